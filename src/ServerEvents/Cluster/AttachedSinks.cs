using Microsoft.Extensions.Logging;
using ServerEvents.Delivery;

namespace ServerEvents.Cluster;

/// <summary>
/// The local sinks a shared-log tier's listener hands the log to, and the last position handed over: attaching and
/// detaching sinks, telling each where its fan-out starts, and handing every logged item to all of them, one at a
/// time, in position order. The listener finds the items (a notification, a stream, a read of the log) and fills
/// any gap from the log before handing over what follows it; this type keeps the sinks and the order.
/// </summary>
public sealed partial class AttachedSinks
{
    private readonly Lock _gate = new();
    private readonly List<IClusterEventSink> _sinks = [];
    private readonly ILogger _logger;

    // The last position handed to the sinks; -1 until the listener has started.
    private long _dispatched = -1;

    /// <summary>Creates the set, logging to the listener's own category.</summary>
    public AttachedSinks(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>The last position handed to the sinks; -1 until <see cref="Start"/>.</summary>
    public long Dispatched => Interlocked.Read(ref _dispatched);

    /// <summary>Attaches a sink; callable before <see cref="Start"/>, which then tells it where its fan-out starts.</summary>
    /// <returns>Detaches the sink when disposed.</returns>
    public IDisposable Attach(IClusterEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            if (_dispatched >= 0)
            {
                sink.OnAttached(_dispatched);
            }

            _sinks.Add(sink);
        }

        return new Attachment(this, sink);
    }

    /// <summary>
    /// Starts the fan-out after <paramref name="head"/>, the log's head when the listener began to listen: the sinks
    /// attached so far are told now, later ones as they attach.
    /// </summary>
    public void Start(long head)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        lock (_gate)
        {
            Interlocked.Exchange(ref _dispatched, head);
            foreach (var sink in _sinks)
            {
                sink.OnAttached(head);
            }
        }
    }

    /// <summary>Hands <paramref name="clusterEvent"/>, whose id is its position, to every sink.</summary>
    public void Deliver(ClusterEvent clusterEvent)
    {
        ArgumentNullException.ThrowIfNull(clusterEvent);
        lock (_gate)
        {
            WarnIfTrimmed(clusterEvent.Id);
            foreach (var sink in _sinks)
            {
                SinkHandOff.Deliver(sink, clusterEvent, _logger);
            }

            Interlocked.Exchange(ref _dispatched, clusterEvent.Id);
        }
    }

    /// <summary>Hands <paramref name="signal"/>, logged at <paramref name="position"/>, to every sink.</summary>
    public void Signal(long position, ClusterSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        lock (_gate)
        {
            WarnIfTrimmed(position);
            foreach (var sink in _sinks)
            {
                SinkHandOff.Signal(sink, signal, position, _logger);
            }

            Interlocked.Exchange(ref _dispatched, position);
        }
    }

    /// <summary>Steps over <paramref name="position"/>: it was handed out but holds nothing (a void).</summary>
    public void Skip(long position)
    {
        lock (_gate)
        {
            WarnIfTrimmed(position);
            Interlocked.Exchange(ref _dispatched, position);
        }
    }

    /// <summary>
    /// Moves the last position handed over back to <paramref name="position"/> when it is past it: the log was
    /// created anew and its positions start again.
    /// </summary>
    public void RewindTo(long position)
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _dispatched, Math.Min(_dispatched, position));
        }
    }

    // Callers hand over the next position, or, after reading the log, the first one it still holds.
    private void WarnIfTrimmed(long position)
    {
        if (position > _dispatched + 1)
        {
            // Positions have no holes, so only retention can have removed these: the node was away too long.
            LogTrimmedWhileAway(_logger, _dispatched + 1, position - 1);
        }
    }

    private void Detach(IClusterEventSink sink)
    {
        lock (_gate)
        {
            _sinks.Remove(sink);
        }
    }

    [LoggerMessage(4, LogLevel.Error, "Positions {From} to {Through} were trimmed from the log before this node could read them", EventName = "TrimmedWhileAway")]
    private static partial void LogTrimmedWhileAway(ILogger logger, long from, long through);

    private sealed class Attachment(AttachedSinks sinks, IClusterEventSink sink) : IDisposable
    {
        public void Dispose() => sinks.Detach(sink);
    }
}
