using Microsoft.Extensions.Logging;
using ServerEvents.Cluster;
using ServerEvents.Diagnostics;

namespace ServerEvents.Delivery;

/// <summary>
/// This node's end of the fan-out: routes each event to the queues of the matching local connections and
/// applies control signals. Calls arrive one at a time, in position order.
/// </summary>
public sealed partial class LocalEventDispatcher : IClusterEventSink
{
    private readonly SubscriptionRegistry _registry;
    private readonly ServerEventsMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalEventDispatcher> _logger;

    // Held while an event is routed and while a connection is added: a connection then either is in the
    // registry when an event is routed, or was added after the watermark moved past that event. Never neither.
    private readonly Lock _dispatch = new();
    private long _watermark;
    private bool _attached;

    /// <summary>Creates the dispatcher.</summary>
    public LocalEventDispatcher(SubscriptionRegistry registry, ServerEventsMetrics metrics, TimeProvider time, ILogger<LocalEventDispatcher> logger)
    {
        _registry = registry;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>The newest position whose event has been handed to every matching local queue.</summary>
    public long Watermark => Volatile.Read(ref _watermark);

    /// <summary>
    /// Adds a connection to the local registry and returns the watermark at that instant: every event after it
    /// reaches the connection's queue; everything up to it must come from the event log.
    /// </summary>
    public long Add(EventStreamConnection connection)
    {
        lock (_dispatch)
        {
            _registry.Add(connection);
            return Watermark;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A node that joins a running cluster starts at the log's head: a stream resuming here from an older cursor
    /// must be replayed up to that head, since those events will never arrive live. A later call is a re-attach
    /// after this node failed to take an event or signal: every open stream may have missed it, so each is closed,
    /// and its client resumes from its last id and is replayed the rest from the log.
    /// </remarks>
    public void OnAttached(long position)
    {
        lock (_dispatch)
        {
            if (_attached)
            {
                _registry.CloseAll();
            }

            _attached = true;
            if (position > Watermark)
            {
                Volatile.Write(ref _watermark, position);
            }
        }
    }

    /// <inheritdoc />
    public void OnEvent(ClusterEvent clusterEvent)
    {
        if (_metrics.IsFanOutLagEnabled)
        {
            _metrics.FanOutLag(_time.GetUtcNow() - clusterEvent.CreatedAt);
        }

        using var activity = ServerEventsTracing.StartDeliver(clusterEvent);
        var recipients = 0;
        lock (_dispatch)
        {
            // A channel's snapshot array is walked as an array: through IEnumerable, every publish would allocate
            // an enumerator.
            var resolved = _registry.Resolve(clusterEvent.Target);
            if (resolved is EventStreamConnection[] array)
            {
                foreach (var connection in array)
                {
                    recipients += Enqueue(connection, clusterEvent);
                }
            }
            else
            {
                foreach (var connection in resolved)
                {
                    recipients += Enqueue(connection, clusterEvent);
                }
            }

            Volatile.Write(ref _watermark, clusterEvent.Id);
        }

        activity?.SetTag("serverevents.recipients", recipients);
    }

    // 1 when the connection took the event, 0 when its queue was full.
    private int Enqueue(EventStreamConnection connection, ClusterEvent clusterEvent)
    {
        if (connection.TryEnqueue(clusterEvent))
        {
            return 1;
        }

        _metrics.QueueOverflowed();
        LogOverflow(connection.Id, clusterEvent.Id);
        return 0;
    }

    /// <inheritdoc />
    public void OnSignal(ClusterSignal signal)
    {
        switch (signal.Kind)
        {
            case ClusterSignalKind.Disconnect when signal.SubscriptionId is not null && _registry.TryGet(signal.SubscriptionId, out var connection):
                connection.Close();
                break;
            case ClusterSignalKind.SubscriptionUpdated when signal.Subscription is not null:
                _registry.UpdateChannels(signal.Subscription);
                break;
            case ClusterSignalKind.Reset:
                _registry.CloseAll();
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing subscription {SubscriptionId}: its queue was full at event {EventId}")]
    private partial void LogOverflow(string subscriptionId, long eventId);
}
