namespace ServerEvents.Cluster;

/// <summary>
/// The event log and the fan-out: assigns every event its position, keeps the replayable ones for replay,
/// and hands every event and signal to every node in position order.
/// </summary>
public interface IEventBus
{
    /// <summary>Gives the event its position, logs it when it is replayable, and fans it out to every node.</summary>
    /// <returns>The event's position.</returns>
    ValueTask<long> PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken = default);

    /// <summary>Fans a control signal out to every node, ordered with the events.</summary>
    ValueTask SignalAsync(ClusterSignal signal, CancellationToken cancellationToken = default);

    /// <summary>
    /// The epoch of the log whose positions this node hands to its sinks (and so to its clients as SSE ids): chosen
    /// when the log is created, so a resume cursor carried with another epoch was issued by another log (a restarted
    /// embedded node, a recreated database, a reset Orleans scope), whatever its number.
    /// </summary>
    string Epoch { get; }

    /// <summary>Reads the retained replayable events with positions in (<paramref name="after"/>, <paramref name="through"/>].</summary>
    ValueTask<EventLogSlice> ReadAsync(long after, long through, CancellationToken cancellationToken = default);

    /// <summary>Attaches this node's receiver; dispose the result to detach.</summary>
    IDisposable Attach(IClusterEventSink sink);
}
