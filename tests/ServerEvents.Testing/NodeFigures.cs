using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace ServerEvents.Testing;

/// <summary>
/// Sums the long instruments of one node whose names start with a prefix, and lets a test await a figure. The node's
/// meters come from its own <see cref="IMeterFactory"/> (their scope), so other nodes in the process do not count.
/// </summary>
public sealed class NodeFigures : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _sums = [];
    private readonly List<KeyValuePair<string, object?>> _tags = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts listening to the instruments of the node whose services are <paramref name="services"/>.</summary>
    public NodeFigures(IServiceProvider services, string prefix = "serverevents.")
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value;
                foreach (var tag in tags)
                {
                    _tags.Add(tag);
                }

                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.SetResult();
        });
        _listener.Start();
    }

    /// <summary>Every attribute recorded with a measurement so far.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Tags
    {
        get
        {
            lock (_gate)
            {
                return [.. _tags];
            }
        }
    }

    /// <summary>The sum of what <paramref name="name"/> recorded so far.</summary>
    public long Sum(string name)
    {
        lock (_gate)
        {
            return _sums.GetValueOrDefault(name);
        }
    }

    /// <summary>Waits until <paramref name="name"/> has recorded at least <paramref name="atLeast"/> in all.</summary>
    public async Task WaitForAsync(string name, long atLeast, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? EventStreamReader.DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_sums.GetValueOrDefault(name) >= atLeast)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
