namespace ServerEvents.Cluster;

/// <summary>
/// A node's receiver of the fan-out: the cluster tier calls it for every event and signal, one at a time,
/// in position order.
/// </summary>
public interface IClusterEventSink
{
    /// <summary>
    /// Tells the sink where its fan-out starts, before any event or signal: it is handed everything after
    /// <paramref name="position"/>, and nothing at or before it (that was published before this node joined).
    /// </summary>
    void OnAttached(long position);

    /// <summary>Delivers an event to the matching local connections. Must not block.</summary>
    void OnEvent(ClusterEvent clusterEvent);

    /// <summary>Applies a control signal to the local connections. Must not block.</summary>
    void OnSignal(ClusterSignal signal);
}
