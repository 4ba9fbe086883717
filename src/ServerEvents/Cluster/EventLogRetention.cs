namespace ServerEvents.Cluster;

/// <summary>How much of the event log is kept for replay: whichever limit is reached first.</summary>
/// <param name="MaxCount">The most replayable events kept.</param>
/// <param name="MaxAge">The oldest replayable event kept.</param>
public sealed record EventLogRetention(int MaxCount, TimeSpan MaxAge);
