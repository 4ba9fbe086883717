using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using ServerEvents.Delivery;
using ServerEvents.Diagnostics;

namespace ServerEvents.Cluster.Embedded;

/// <summary>
/// The event log and fan-out of a single node: positions come from an in-process counter, and events are
/// handed to the attached sinks under the same lock that assigns them, so every sink sees them in order.
/// </summary>
public sealed class InMemoryEventBus : IEventBus
{
    // 72 random bits, 12 URL-safe characters: two process starts never share an epoch.
    private const int EpochBytes = 9;

    private readonly Lock _gate = new();
    private readonly PackedEventLog _log = new();
    private readonly List<IClusterEventSink> _sinks = [];
    private readonly EventLogRetention _retention;
    private readonly TimeProvider _time;
    private readonly ILogger<InMemoryEventBus> _logger;
    private long _head;
    private long _evictedThrough;

    /// <summary>Creates the bus.</summary>
    public InMemoryEventBus(EventLogRetention retention, TimeProvider time, ILogger<InMemoryEventBus> logger)
    {
        _retention = retention;
        _time = time;
        _logger = logger;

        // Positions start from the clock so they never go down across a restart: a page left open keeps taking
        // the new run's events as new. The positions before the start were never this log's, so they count as
        // evicted: a cursor among them (one from before the restart) is told of the gap and replayed from here.
        _head = _evictedThrough = ClockSeed.Now(time);

        // The clock seed alone cannot tell this log from the last run's once its positions pass an old cursor; a
        // random epoch per process start can.
        Epoch = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(EpochBytes));
    }

    /// <inheritdoc />
    public string Epoch { get; }

    /// <inheritdoc />
    public ValueTask<long> PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken = default)
    {
        using var activity = ServerEventsTracing.StartAppend(EmbeddedClusterTier.TierName);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var clusterEvent = new ClusterEvent(++_head, outgoing.Target, outgoing.Selector, outgoing.Body, now) { TraceParent = outgoing.TraceParent };
            if (outgoing.Target.IsReplayable)
            {
                _log.Append(clusterEvent);
                Trim(now);
            }

            foreach (var sink in _sinks)
            {
                SinkHandOff.Deliver(sink, clusterEvent, _logger);
            }

            return ValueTask.FromResult(clusterEvent.Id);
        }
    }

    /// <inheritdoc />
    public ValueTask SignalAsync(ClusterSignal signal, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var sink in _sinks)
            {
                SinkHandOff.Signal(sink, signal, _head, _logger);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<EventLogSlice> ReadAsync(long after, long through, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Trim(_time.GetUtcNow());
            return ValueTask.FromResult(new EventLogSlice(_log.Read(after, through), _head, _evictedThrough, _log.OldestId, Epoch));
        }
    }

    /// <inheritdoc />
    public IDisposable Attach(IClusterEventSink sink)
    {
        lock (_gate)
        {
            sink.OnAttached(_head);
            _sinks.Add(sink);
        }

        return new Attachment(this, sink);
    }

    private void Trim(DateTimeOffset now)
    {
        var oldestKept = now - _retention.MaxAge;
        while (_log.Count > 0
            && (_log.Count > _retention.MaxCount
                || _log.OldestCreatedAt < oldestKept
                || (_log.Bytes > _retention.MaxBytes && _log.Count > 1)))
        {
            _evictedThrough = _log.RemoveOldest();
        }
    }

    private void Detach(IClusterEventSink sink)
    {
        lock (_gate)
        {
            _sinks.Remove(sink);
        }
    }

    private sealed class Attachment(InMemoryEventBus bus, IClusterEventSink sink) : IDisposable
    {
        public void Dispose() => bus.Detach(sink);
    }
}
