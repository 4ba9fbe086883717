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
    private readonly ILogger<LocalEventDispatcher> _logger;
    private long _watermark;

    /// <summary>Creates the dispatcher.</summary>
    public LocalEventDispatcher(SubscriptionRegistry registry, ServerEventsMetrics metrics, ILogger<LocalEventDispatcher> logger)
    {
        _registry = registry;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// The newest position whose event has been handed to every matching local queue; a connection registered
    /// before this was read receives every later event live.
    /// </summary>
    public long Watermark => Volatile.Read(ref _watermark);

    /// <inheritdoc />
    public void OnEvent(ClusterEvent clusterEvent)
    {
        foreach (var connection in _registry.Resolve(clusterEvent.Target))
        {
            if (!connection.TryEnqueue(clusterEvent))
            {
                _metrics.QueueOverflowed();
                LogOverflow(connection.Id, clusterEvent.Id);
            }
        }

        // Published only after every local queue has the event: see ServerEventsService.OpenStreamAsync.
        Volatile.Write(ref _watermark, clusterEvent.Id);
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
                foreach (var open in _registry.All())
                {
                    open.Close();
                }

                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing subscription {SubscriptionId}: its queue was full at event {EventId}")]
    private partial void LogOverflow(string subscriptionId, long eventId);
}
