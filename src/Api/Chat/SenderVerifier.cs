using System.Security.Claims;
using ServerEvents.Endpoints;
using ServerEvents.Subscriptions;

namespace ServerEvents.Api.Chat;

/// <summary>
/// Decides whether the caller may post as the <c>from</c> subscription: it must be live, and belong to the same
/// signed-in user or, for an anonymous subscription, to the same session. Knowing a subscription id is not enough.
/// </summary>
internal sealed class SenderVerifier(IServerEvents serverEvents)
{
    /// <returns>The subscription, or <see langword="null"/> after an error response was written.</returns>
    public async Task<SubscriptionInfo?> VerifyAsync(HttpContext context, string? from)
    {
        if (string.IsNullOrEmpty(from))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "'from' (your subscription id) is required.");
            return null;
        }

        var sender = await serverEvents.GetSubscriptionInfoAsync(from, context.RequestAborted);
        if (sender is null)
        {
            await ErrorResponse.WriteSubscriptionNotFoundAsync(context, from);
            return null;
        }

        if (!IsOwnedByCaller(context, sender))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "That subscription belongs to someone else.");
            return null;
        }

        return sender;
    }

    private static bool IsOwnedByCaller(HttpContext context, SubscriptionInfo sender)
    {
        if (sender.IsAuthenticated)
        {
            return context.User.Identity?.IsAuthenticated == true
                && context.User.FindFirstValue(ClaimTypes.NameIdentifier) == sender.UserId;
        }

        return sender.SessionId is not null && SessionCookie.Read(context) == sender.SessionId;
    }
}
