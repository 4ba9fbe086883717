using ServerEvents.Subscriptions;

namespace ServerEvents.Cluster;

/// <summary>
/// The cluster-wide directory of live subscriptions (presence): who is connected, to which channels, and when
/// each last sent a heartbeat.
/// </summary>
public interface ISubscriptionDirectory
{
    /// <summary>Adds a subscription, alive as of <paramref name="now"/>.</summary>
    ValueTask AddAsync(SubscriptionInfo subscription, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Removes a subscription.</summary>
    /// <returns>What was removed, or <see langword="null"/> when it did not exist.</returns>
    ValueTask<SubscriptionInfo?> RemoveAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Marks a subscription alive as of <paramref name="now"/>.</summary>
    /// <returns>The subscription, or <see langword="null"/> when it does not exist.</returns>
    ValueTask<SubscriptionInfo?> PulseAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Leaves <paramref name="unsubscribe"/> then joins <paramref name="subscribe"/>.</summary>
    /// <returns>The subscription before and after, or <see langword="null"/> when it does not exist.</returns>
    ValueTask<SubscriptionChange?> UpdateChannelsAsync(
        string subscriptionId,
        IReadOnlyCollection<string> unsubscribe,
        IReadOnlyCollection<string> subscribe,
        CancellationToken cancellationToken = default);

    /// <summary>Looks up one subscription.</summary>
    ValueTask<SubscriptionInfo?> GetAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Every subscription of one user id.</summary>
    ValueTask<IReadOnlyList<SubscriptionInfo>> GetByUserIdAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Every subscription in any of <paramref name="channels"/>, each once; every subscription when none are given.</summary>
    ValueTask<IReadOnlyList<SubscriptionInfo>> GetByChannelsAsync(IReadOnlyCollection<string>? channels, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns every subscription whose last heartbeat is older than <paramref name="cutoff"/>.</summary>
    /// <remarks>Each expired subscription is returned to exactly one caller, so its leave notices go out once.</remarks>
    ValueTask<IReadOnlyList<SubscriptionInfo>> RemoveIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Removes every subscription.</summary>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);
}

/// <summary>A subscription before and after a channel change.</summary>
/// <param name="Before">The state before the change.</param>
/// <param name="After">The state after the change.</param>
public sealed record SubscriptionChange(SubscriptionInfo Before, SubscriptionInfo After);
