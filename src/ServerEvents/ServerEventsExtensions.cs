using ServerEvents.Protocol;

namespace ServerEvents;

/// <summary>Typed notify overloads whose selector is <c>cmd.{TypeName}</c>.</summary>
public static class ServerEventsExtensions
{
    /// <summary>Sends <paramref name="message"/> to everyone as <c>cmd.{TypeName}</c>.</summary>
    public static Task<long> NotifyAllAsync<T>(this IServerEvents serverEvents, T message, CancellationToken cancellationToken = default) =>
        serverEvents.NotifyAllAsync(SelectorOf<T>(), message, cancellationToken);

    /// <summary>Sends <paramref name="message"/> to a channel as <c>channel@cmd.{TypeName}</c>.</summary>
    public static Task<long> NotifyChannelAsync<T>(this IServerEvents serverEvents, string channel, T message, CancellationToken cancellationToken = default) =>
        serverEvents.NotifyChannelAsync(channel, SelectorOf<T>(), message, cancellationToken);

    /// <summary>Sends <paramref name="message"/> to one subscription as <c>cmd.{TypeName}</c>.</summary>
    public static Task<long> NotifySubscriptionAsync<T>(this IServerEvents serverEvents, string subscriptionId, T message, string? channel = null, CancellationToken cancellationToken = default) =>
        serverEvents.NotifySubscriptionAsync(subscriptionId, SelectorOf<T>(), message, channel, cancellationToken);

    /// <summary>Sends <paramref name="message"/> to a user id as <c>cmd.{TypeName}</c>.</summary>
    public static Task<long> NotifyUserIdAsync<T>(this IServerEvents serverEvents, string userId, T message, string? channel = null, CancellationToken cancellationToken = default) =>
        serverEvents.NotifyUserIdAsync(userId, SelectorOf<T>(), message, channel, cancellationToken);

    /// <summary>Sends <paramref name="message"/> to a user name as <c>cmd.{TypeName}</c>.</summary>
    public static Task<long> NotifyUserNameAsync<T>(this IServerEvents serverEvents, string userName, T message, string? channel = null, CancellationToken cancellationToken = default) =>
        serverEvents.NotifyUserNameAsync(userName, SelectorOf<T>(), message, channel, cancellationToken);

    /// <summary>Sends <paramref name="message"/> to a session as <c>cmd.{TypeName}</c>.</summary>
    public static Task<long> NotifySessionAsync<T>(this IServerEvents serverEvents, string sessionId, T message, string? channel = null, CancellationToken cancellationToken = default) =>
        serverEvents.NotifySessionAsync(sessionId, SelectorOf<T>(), message, channel, cancellationToken);

    private static string SelectorOf<T>() => EventSelector.CommandPrefix + typeof(T).Name;
}
