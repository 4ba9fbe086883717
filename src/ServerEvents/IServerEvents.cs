using ServerEvents.Delivery;
using ServerEvents.Diagnostics;
using ServerEvents.Subscriptions;

namespace ServerEvents;

/// <summary>
/// What application code calls to push events and to inspect or change subscriptions. Every member works the
/// same whether the target connection is on this node or on another node of the cluster.
/// </summary>
/// <remarks>
/// Selectors have the form <c>op.target[$cssSelector]</c> (for example <c>cmd.chat</c> or
/// <c>css.background$#top</c>). Messages are serialised once with <see cref="Hosting.ServerEventsOptions.JsonSerializerOptions"/>.
/// Invalid selectors or channel names throw <see cref="ArgumentException"/>; oversized messages throw
/// <see cref="MessageTooLargeException"/>. The typed overloads in <see cref="ServerEventsExtensions"/> use the selector
/// <c>cmd.{TypeName}</c>.
/// </remarks>
public interface IServerEvents
{
    /// <summary>Sends a message to every subscription.</summary>
    /// <returns>The event's id.</returns>
    Task<long> NotifyAllAsync(string selector, object? message, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to every subscription in <paramref name="channel"/>; the selector goes out as <c>channel@selector</c>.</summary>
    Task<long> NotifyChannelAsync(string channel, string selector, object? message, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to one subscription, optionally only if it is in <paramref name="channel"/>.</summary>
    Task<long> NotifySubscriptionAsync(string subscriptionId, string selector, object? message, string? channel = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to every subscription of a user id, optionally only those in <paramref name="channel"/>.</summary>
    Task<long> NotifyUserIdAsync(string userId, string selector, object? message, string? channel = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to every subscription of a user name, optionally only those in <paramref name="channel"/>.</summary>
    Task<long> NotifyUserNameAsync(string userName, string selector, object? message, string? channel = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a message to every subscription of a session, optionally only those in <paramref name="channel"/>.</summary>
    Task<long> NotifySessionAsync(string sessionId, string selector, object? message, string? channel = null, CancellationToken cancellationToken = default);

    /// <summary>Looks up one subscription.</summary>
    Task<SubscriptionInfo?> GetSubscriptionInfoAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Every subscription of a user id.</summary>
    Task<IReadOnlyList<SubscriptionInfo>> GetSubscriptionInfosByUserIdAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Every subscription in any of <paramref name="channels"/>, each once; all subscriptions when none are given.</summary>
    Task<IReadOnlyList<SubscriptionInfo>> GetSubscriptionsDetailsAsync(IReadOnlyCollection<string>? channels = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers an open stream: this node starts queueing its events, the cluster directory learns of it, the
    /// on-subscribe hook runs and its channels are sent join notices.
    /// </summary>
    /// <returns>The position after which every event for the stream is queued live.</returns>
    Task<long> RegisterAsync(EventStreamConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Removes a subscription, closes its stream wherever it is, and sends leave notices.</summary>
    /// <returns>What was removed, or <see langword="null"/> when it did not exist.</returns>
    Task<SubscriptionInfo?> UnregisterAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Marks a subscription alive and pushes <c>cmd.onHeartbeat</c> to it.</summary>
    /// <returns><see langword="false"/> when it does not exist.</returns>
    Task<bool> PulseAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>Leaves <paramref name="unsubscribe"/>, then joins <paramref name="subscribe"/>, and sends update notices to both.</summary>
    /// <returns>The subscription after the change, or <see langword="null"/> when it does not exist.</returns>
    Task<SubscriptionInfo?> UpdateChannelsAsync(
        string subscriptionId,
        IReadOnlyCollection<string> unsubscribe,
        IReadOnlyCollection<string> subscribe,
        CancellationToken cancellationToken = default);

    /// <summary>Joins channels at run time.</summary>
    /// <returns>The subscription after the change, or <see langword="null"/> when it does not exist.</returns>
    Task<SubscriptionInfo?> SubscribeToChannelsAsync(string subscriptionId, IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default);

    /// <summary>Leaves channels at run time.</summary>
    /// <returns>The subscription after the change, or <see langword="null"/> when it does not exist.</returns>
    Task<SubscriptionInfo?> UnsubscribeFromChannelsAsync(string subscriptionId, IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default);

    /// <summary>Returns the next value (from 1) of a cluster-wide named sequence.</summary>
    Task<long> GetNextSequenceAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Removes every subscription and closes every stream, without leave notices.</summary>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>This node's running totals.</summary>
    ServerEventsStatistics GetStatistics();
}
