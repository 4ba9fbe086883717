namespace ServerEvents.Grains.Events;

/// <summary>What a front-end asks the sequencer to log: an event or a signal, stamped by the front-end's clock.</summary>
/// <param name="CreatedAt">When it was published.</param>
/// <param name="Event">The event, or null for a signal.</param>
/// <param name="Signal">The signal, or null for an event.</param>
[GenerateSerializer, Immutable, Alias("server-events.LogAppend")]
public sealed record LogAppend(
    [property: Id(0)] DateTimeOffset CreatedAt,
    [property: Id(1)] LogEvent? Event,
    [property: Id(2)] LogSignal? Signal);
