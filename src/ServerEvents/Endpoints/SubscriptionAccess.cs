using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerEvents.Delivery;
using ServerEvents.Hosting;
using ServerEvents.Subscriptions;

namespace ServerEvents.Endpoints;

/// <summary>
/// Refuses (403) a heartbeat, unregister or channel update for a subscription that belongs to another session or
/// user than the one the request carries. A subscription id is unguessable but can leak (a log, a shared link);
/// holding it is enough only for a caller that carries no session and no user, which is how the ServiceStack
/// clients that know just their own id call.
/// </summary>
internal sealed class SubscriptionAccess(
    IServerEvents serverEvents,
    SubscriptionRegistry registry,
    SubscriberIdentityResolver identities,
    IOptionsMonitor<ServerEventsOptions> options)
{
    /// <exception cref="UnauthorizedAccessException">The subscription belongs to someone else (403).</exception>
    public async Task EnsureCallerMayActAsync(HttpContext context, string subscriptionId)
    {
        var caller = identities.ResolveCaller(context);
        if (caller.SessionId is { } session && IsIssuedByThisResponse(context, session))
        {
            caller = caller with { SessionId = null };
        }

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

    /// <summary>
    /// Whether the session cookie was issued by this very response. An application may give a request that came
    /// without a session cookie a new one and add it to the request, so that a first stream already has it (src/Api
    /// does): the client did not carry that session, so for this check it is a caller without one.
    /// </summary>
    private bool IsIssuedByThisResponse(HttpContext context, string sessionId)
    {
        if (options.CurrentValue.Identity.SessionCookieName is not { Length: > 0 } cookie)
        {
            return false;
        }

        var issued = cookie + "=" + sessionId;
        foreach (var setCookie in context.Response.Headers.SetCookie)
        {
            if (setCookie is not null
                && setCookie.StartsWith(issued, StringComparison.Ordinal)
                && (setCookie.Length == issued.Length || setCookie[issued.Length] == ';'))
            {
                return true;
            }
        }

        return false;
    }
}
