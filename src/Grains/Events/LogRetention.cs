namespace ServerEvents.Grains.Events;

/// <summary>How much of the log is kept for replay, as the front-ends are configured: whichever limit is reached first.</summary>
/// <param name="MaxCount">The most replayable events kept.</param>
/// <param name="MaxAge">The oldest replayable event kept.</param>
[GenerateSerializer, Immutable, Alias("server-events.LogRetention")]
public sealed record LogRetention([property: Id(0)] int MaxCount, [property: Id(1)] TimeSpan MaxAge);
