using Orleans.Concurrency;

namespace ServerEvents.Grains.Directory;

/// <summary>
/// One partition of the subscription directory (keyed <c>{scope}/{n}</c>): holds each of its subscriptions durably and
/// its last heartbeat in memory only, so a heartbeat costs no storage write. It is also the channel and user index of
/// its subscriptions (kept in memory, derived from the records), so a join or a channel change is one call and one
/// write, and a lookup by channel or user asks every partition.
/// </summary>
[Alias("server-events.ISubscriptionPartitionGrain")]
public interface ISubscriptionPartitionGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces a subscription, alive as of <paramref name="now"/>.</summary>
    [Alias("Add")]
    Task AddAsync(SubscriptionRecord subscription, DateTimeOffset now);

    /// <summary>Removes a subscription and returns it, or null when it did not exist.</summary>
    [Alias("Remove")]
    Task<SubscriptionRecord?> RemoveAsync(string subscriptionId);

    /// <summary>Marks a subscription alive; null when it does not exist or its front-end is no longer alive.</summary>
    [Alias("Pulse")]
    Task<SubscriptionRecord?> PulseAsync(string subscriptionId, DateTimeOffset now);

    /// <summary>Leaves <paramref name="unsubscribe"/>, then joins <paramref name="subscribe"/>; null when it does not exist.</summary>
    [Alias("UpdateChannels")]
    Task<SubscriptionUpdate?> UpdateChannelsAsync(string subscriptionId, IReadOnlyList<string> unsubscribe, IReadOnlyList<string> subscribe);

    /// <summary>The subscriptions among <paramref name="subscriptionIds"/> that exist.</summary>
    [Alias("GetMany"), ReadOnly]
    Task<IReadOnlyList<SubscriptionRecord>> GetManyAsync(IReadOnlyList<string> subscriptionIds);

    /// <summary>The subscriptions of the partition in any of <paramref name="channels"/>.</summary>
    [Alias("GetByChannels"), ReadOnly]
    Task<IReadOnlyList<SubscriptionRecord>> GetByChannelsAsync(IReadOnlyList<string> channels);

    /// <summary>The subscriptions of the partition whose user id is <paramref name="userId"/>.</summary>
    [Alias("GetByUser"), ReadOnly]
    Task<IReadOnlyList<SubscriptionRecord>> GetByUserAsync(string userId);

    /// <summary>Every subscription of the partition.</summary>
    [Alias("GetAll"), ReadOnly]
    Task<IReadOnlyList<SubscriptionRecord>> GetAllAsync();

    /// <summary>Removes and returns every subscription whose last heartbeat is older than <paramref name="cutoff"/>.</summary>
    [Alias("RemoveIdle")]
    Task<IReadOnlyList<SubscriptionRecord>> RemoveIdleAsync(DateTimeOffset cutoff);

    /// <summary>Removes and returns every subscription.</summary>
    [Alias("Clear")]
    Task<IReadOnlyList<SubscriptionRecord>> ClearAsync();
}
