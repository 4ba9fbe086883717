namespace ServerEvents.Cluster;

/// <summary>
/// A node's receiver of the fan-out: the cluster tier calls it for every event and signal, one at a time,
/// in position order.
/// </summary>
public interface IClusterEventSink
{
    /// <summary>Delivers an event to the matching local connections. Must not block.</summary>
    void OnEvent(ClusterEvent clusterEvent);

    /// <summary>Applies a control signal to the local connections. Must not block.</summary>
    void OnSignal(ClusterSignal signal);
}
