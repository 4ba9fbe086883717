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
        var options = _options.CurrentValue.Identity;
        var user = context.User;
        var sessionId = FindClaim(user, options.SessionIdClaimType)
            ?? (options.SessionCookieName is { Length: > 0 } cookie ? context.Request.Cookies[cookie] : null);

        if (user.Identity?.IsAuthenticated == true)
        {
            var userName = FindClaim(user, options.UserNameClaimType) ?? user.Identity.Name;
            var userId = FindClaim(user, options.UserIdClaimType) ?? userName;
            if (userId is not null)
            {
                var displayName = FindClaim(user, options.DisplayNameClaimType) ?? userName ?? userId;
                return new SubscriberIdentity(userId, userName, displayName, FindClaim(user, options.ProfileUrlClaimType), sessionId, true);
            }
        }

        var number = await _anonymousNumbers.NextAsync(cancellationToken).ConfigureAwait(false);
        var text = number.ToString(CultureInfo.InvariantCulture);
        return new SubscriberIdentity("-" + text, null, "user" + text, null, sessionId, false);
    }

    private static string? FindClaim(ClaimsPrincipal user, string? claimType) =>
        claimType is { Length: > 0 } ? user.FindFirst(claimType)?.Value : null;
}
