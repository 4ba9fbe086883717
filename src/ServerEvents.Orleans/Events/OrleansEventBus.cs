using System.Globalization;
using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Diagnostics;
using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Events;

/// <summary>
/// The event log of the Orleans tier: every publish and signal is one call to the sequencer grain, which group-commits
/// the calls that arrive together; the fan-out comes back through the stream to <see cref="LogListener"/>.
/// </summary>
public sealed class OrleansEventBus : IEventBus
{
    // Made at first use: a client resolves a grain interface to its grain type only once it has connected to the
    // cluster, which is after the host has constructed this.
    private readonly Lazy<IEventLogGrain> _log;
    private readonly LogListener _listener;
    private readonly LogRetention _retention;
    private readonly LogFanOut _fanOut;
    private readonly TimeProvider _time;

    /// <summary>Creates the bus.</summary>
    internal OrleansEventBus(IClusterClient client, LogListener listener, EventLogRetention retention, TimeProvider time, IOptions<OrleansClusterOptions> options)
    {
        _log = new(() => client.GetGrain<IEventLogGrain>(options.Value.Scope));
        _listener = listener;
        _retention = new LogRetention(retention.MaxCount, retention.MaxAge);
        _fanOut = options.Value.FanOut;
        _time = time;
    }

    /// <inheritdoc />
    public string Epoch => FormatEpoch(_listener.Epoch);

    /// <inheritdoc />
    public async ValueTask<long> PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        using var activity = ServerEventsTracing.StartAppend(OrleansClusterTier.TierName);
        var positions = await ClusterCall.RunAsync(_log.Value.AppendAsync([outgoing.ToAppend(_time.GetUtcNow())], _retention, _fanOut), cancellationToken).ConfigureAwait(false);
        return positions[0];
    }

    /// <inheritdoc />
    public async ValueTask SignalAsync(ClusterSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        await ClusterCall.RunAsync(_log.Value.AppendAsync([signal.ToAppend(_time.GetUtcNow())], _retention, _fanOut), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<EventLogSlice> ReadAsync(long after, long through, CancellationToken cancellationToken = default)
    {
        var slice = await ClusterCall.RunAsync(_log.Value.ReadAsync(after, through, _time.GetUtcNow(), _retention), cancellationToken).ConfigureAwait(false);
        return new EventLogSlice(
            [.. slice.Items.Select(i => i.ToClusterEvent(i.Event!))],
            slice.Newest,
            slice.EvictedThrough,
            slice.OldestAvailable,
            FormatEpoch(slice.Epoch));
    }

    /// <inheritdoc />
    public IDisposable Attach(IClusterEventSink sink) => _listener.Attach(sink);

    private static string FormatEpoch(long epoch) => epoch.ToString(CultureInfo.InvariantCulture);
}
