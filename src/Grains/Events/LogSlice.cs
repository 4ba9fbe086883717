namespace ServerEvents.Grains.Events;

/// <summary>The answer to a replay read.</summary>
/// <param name="Items">The retained replayable items in the range, oldest first.</param>
/// <param name="Newest">The newest position handed out: durable, unless the log fans out before committing.</param>
/// <param name="EvictedThrough">The newest replayable position dropped by retention (0 when none was).</param>
/// <param name="OldestAvailable">The oldest retained replayable position, or null when none is.</param>
/// <param name="Epoch">The log's epoch.</param>
[GenerateSerializer, Immutable, Alias("server-events.LogSlice")]
public sealed record LogSlice(
    [property: Id(0)] IReadOnlyList<LogItem> Items,
    [property: Id(1)] long Newest,
    [property: Id(2)] long EvictedThrough,
    [property: Id(3)] long? OldestAvailable,
    [property: Id(4)] long Epoch);
