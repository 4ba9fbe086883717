namespace ServerEvents.Grains.Directory;

/// <summary>A subscription before and after a channel change.</summary>
/// <param name="Before">Before.</param>
/// <param name="After">After.</param>
[GenerateSerializer, Immutable, Alias("server-events.SubscriptionUpdate")]
public sealed record SubscriptionUpdate([property: Id(0)] SubscriptionRecord Before, [property: Id(1)] SubscriptionRecord After);
