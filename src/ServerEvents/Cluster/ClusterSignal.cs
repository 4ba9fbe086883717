using ServerEvents.Subscriptions;

namespace ServerEvents.Cluster;

/// <summary>What a <see cref="ClusterSignal"/> asks the node that owns a connection to do.</summary>
public enum ClusterSignalKind
{
    /// <summary>Close the stream of <see cref="ClusterSignal.SubscriptionId"/> (it was unregistered or expired).</summary>
    Disconnect,

    /// <summary>The channels of <see cref="ClusterSignal.Subscription"/> changed; re-index the local connection.</summary>
    SubscriptionUpdated,

    /// <summary>Every subscription was removed; close every stream.</summary>
    Reset,
}

/// <summary>
/// A control message fanned out to every node in the same order as events, so that a node re-indexes a
/// connection before it routes the events that depend on the new channels.
/// </summary>
/// <param name="Kind">What to do.</param>
/// <param name="SubscriptionId">The subscription concerned; <see langword="null"/> for <see cref="ClusterSignalKind.Reset"/>.</param>
/// <param name="Subscription">The new state, for <see cref="ClusterSignalKind.SubscriptionUpdated"/>.</param>
public sealed record ClusterSignal(ClusterSignalKind Kind, string? SubscriptionId, SubscriptionInfo? Subscription = null);
