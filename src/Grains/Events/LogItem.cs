namespace ServerEvents.Grains.Events;

/// <summary>
/// One position of the log: an event, a signal, or neither (a void: a position the sequencer handed out for a
/// publish that was never acknowledged, so readers step over it instead of waiting for it).
/// </summary>
/// <param name="Position">The position (the SSE id).</param>
/// <param name="CreatedAt">When it was published.</param>
/// <param name="Event">The event, when it is one.</param>
/// <param name="Signal">The signal, when it is one.</param>
[GenerateSerializer, Immutable, Alias("server-events.LogItem")]
public sealed record LogItem(
    [property: Id(0)] long Position,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] LogEvent? Event,
    [property: Id(3)] LogSignal? Signal)
{
    /// <summary>Whether a replay may hand it to a new subscription.</summary>
    public bool IsReplayable => Event is { Replayable: true };
}
