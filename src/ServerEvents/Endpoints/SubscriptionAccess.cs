using Microsoft.AspNetCore.Http;
using ServerEvents.Delivery;
using ServerEvents.Subscriptions;

namespace ServerEvents.Endpoints;

/// <summary>
/// Refuses (403) a heartbeat, unregister or channel update for a subscription that belongs to another session or
/// user than the one the request carries. A subscription id is unguessable but can leak (a log, a shared link);
/// holding it is enough only for a caller that carries no session and no user, which is how the ServiceStack
/// clients that know just their own id call.
/// </summary>
internal sealed class SubscriptionAccess(IServerEvents serverEvents, SubscriptionRegistry registry, SubscriberIdentityResolver identities)
{
    /// <exception cref="UnauthorizedAccessException">The subscription belongs to someone else (403).</exception>
    public async Task EnsureCallerMayActAsync(HttpContext context, string subscriptionId)
    {
        var caller = identities.ResolveCaller(context);
        if (caller.UserId is null && caller.SessionId is null)
        {
            return;
        }

        // A heartbeat usually reaches the node holding the stream: no directory read for it. An unknown id is
        // left to the operation itself, which answers 404.
        var subscription = registry.TryGet(subscriptionId, out var connection)
            ? connection.Info
            : await serverEvents.GetSubscriptionInfoAsync(subscriptionId, context.RequestAborted).ConfigureAwait(false);
        if (subscription is not null && !caller.MayActOn(subscription))
        {
            throw new UnauthorizedAccessException($"Subscription '{subscriptionId}' belongs to another session or user.");
        }
    }
}
