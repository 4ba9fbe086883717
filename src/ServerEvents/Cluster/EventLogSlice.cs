namespace ServerEvents.Cluster;

/// <summary>What the event log holds after a resume cursor.</summary>
/// <param name="Events">The retained replayable events after the cursor, oldest first.</param>
/// <param name="Head">The newest position the log has assigned.</param>
/// <param name="EvictedThrough">The newest position that has been dropped by retention (0 when none has).</param>
/// <param name="OldestAvailableId">The oldest retained position, or <see langword="null"/> when the log is empty.</param>
/// <param name="Epoch">The epoch of the log that was read (see <see cref="IEventBus.Epoch"/>).</param>
public sealed record EventLogSlice(IReadOnlyList<ClusterEvent> Events, long Head, long EvictedThrough, long? OldestAvailableId, string Epoch);
