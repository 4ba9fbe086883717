using ServerEvents.Grains.Directory;

namespace ServerEvents.Grains.Events;

/// <summary>A control signal as the log stores it.</summary>
/// <param name="Kind">What the node that owns the connection must do (the numeric value of the front-end's signal kind).</param>
/// <param name="SubscriptionId">The subscription concerned.</param>
/// <param name="Subscription">The subscription's new state, for a channel change.</param>
[GenerateSerializer, Immutable, Alias("server-events.LogSignal")]
public sealed record LogSignal(
    [property: Id(0)] int Kind,
    [property: Id(1)] string? SubscriptionId,
    [property: Id(2)] SubscriptionRecord? Subscription);
