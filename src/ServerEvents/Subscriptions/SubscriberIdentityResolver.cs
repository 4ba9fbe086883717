using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Subscriptions;

/// <summary>
/// Resolves the subscriber's identity from <see cref="HttpContext.User"/>; anonymous callers get a number
/// from <see cref="AnonymousUserNumbers"/>.
/// </summary>
public sealed class SubscriberIdentityResolver
{
    private readonly AnonymousUserNumbers _anonymousNumbers;
    private readonly IOptionsMonitor<ServerEventsOptions> _options;

    /// <summary>Creates the resolver.</summary>
    public SubscriberIdentityResolver(AnonymousUserNumbers anonymousNumbers, IOptionsMonitor<ServerEventsOptions> options)
    {
        _anonymousNumbers = anonymousNumbers;
        _options = options;
    }

    /// <summary>Resolves who is calling.</summary>
    public async ValueTask<SubscriberIdentity> ResolveAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = ResolveCaller(context);
        if (caller.UserId is { } userId)
        {
            var options = _options.CurrentValue.Identity;
            var user = context.User;
            var userName = FindClaim(user, options.UserNameClaimType) ?? user.Identity?.Name;
            var displayName = FindClaim(user, options.DisplayNameClaimType) ?? userName ?? userId;
            return new SubscriberIdentity(userId, userName, displayName, FindClaim(user, options.ProfileUrlClaimType), caller.SessionId, true);
        }

        var number = await _anonymousNumbers.NextAsync(cancellationToken).ConfigureAwait(false);
        var text = number.ToString(CultureInfo.InvariantCulture);
        return new SubscriberIdentity("-" + text, null, "user" + text, null, caller.SessionId, false);
    }

    /// <summary>
    /// The signed-in user's id and the session of the request, either of which may be absent; unlike
    /// <see cref="ResolveAsync"/>, it gives an anonymous caller no number.
    /// </summary>
    public SubscriberCaller ResolveCaller(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = _options.CurrentValue.Identity;
        var user = context.User;
        var sessionId = FindClaim(user, options.SessionIdClaimType)
            ?? (options.SessionCookieName is { Length: > 0 } cookie ? context.Request.Cookies[cookie] : null);
        string? userId = null;
        if (user.Identity?.IsAuthenticated == true)
        {
            userId = FindClaim(user, options.UserIdClaimType) ?? FindClaim(user, options.UserNameClaimType) ?? user.Identity.Name;
        }

        return new SubscriberCaller(userId, string.IsNullOrEmpty(sessionId) ? null : sessionId);
    }

    private static string? FindClaim(ClaimsPrincipal user, string? claimType) =>
        claimType is { Length: > 0 } ? user.FindFirst(claimType)?.Value : null;
}
