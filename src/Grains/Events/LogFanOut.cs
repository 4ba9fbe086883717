namespace ServerEvents.Grains.Events;

/// <summary>When the sequencer hands a publish to the fan-out stream, relative to storing it.</summary>
[GenerateSerializer, Alias("server-events.LogFanOut")]
public enum LogFanOut
{
    /// <summary>
    /// Once it is durable (the default): a subscriber only ever sees what the log keeps, and every delivery waits for
    /// one storage write.
    /// </summary>
    AfterCommit = 0,

    /// <summary>
    /// As soon as it has a position, while its storage write is in flight; the publisher is still answered only once
    /// it is durable. Saves subscribers the storage write's latency; the price is that a publish whose write then fails
    /// (the silo dies, the storage is away) may already have been delivered although its publisher was refused. Its
    /// position is never reused: positions are handed out early only from a block reserved in the head beforehand, and
    /// the next activation stores whatever of that block was never stored as voids.
    /// </summary>
    BeforeCommit = 1,
}
