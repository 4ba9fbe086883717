using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Subscriptions;

/// <summary>
/// Resolves the subscriber's identity from <see cref="HttpContext.User"/>; anonymous callers get a number
/// once per session (<see cref="AnonymousSessionNumbers"/>, <see cref="AnonymousIdentityScope.Session"/>, the default)
/// or once per stream (<see cref="AnonymousUserNumbers"/>, <see cref="AnonymousIdentityScope.Subscription"/>).
/// </summary>
public sealed class SubscriberIdentityResolver
{
    private readonly AnonymousUserNumbers _anonymousNumbers;
    private readonly AnonymousSessionNumbers _sessionNumbers;
    private readonly IOptionsMonitor<ServerEventsOptions> _options;

    /// <summary>Creates the resolver.</summary>
    public SubscriberIdentityResolver(AnonymousUserNumbers anonymousNumbers, AnonymousSessionNumbers sessionNumbers, IOptionsMonitor<ServerEventsOptions> options)
    {
        _anonymousNumbers = anonymousNumbers;
        _sessionNumbers = sessionNumbers;
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

        if (caller.SessionId is { } sessionId && _options.CurrentValue.Identity.AnonymousIdentity == AnonymousIdentityScope.Session)
        {
            var sessionUserId = AnonymousSessionUserId(sessionId);
            var sessionNumber = await _sessionNumbers.GetAsync(sessionUserId, cancellationToken).ConfigureAwait(false);
            return new SubscriberIdentity(sessionUserId, null, "user" + sessionNumber.ToString(CultureInfo.InvariantCulture), null, sessionId, false);
        }

        var number = await _anonymousNumbers.NextAsync(cancellationToken).ConfigureAwait(false);
        var text = number.ToString(CultureInfo.InvariantCulture);
        return new SubscriberIdentity("-" + text, null, "user" + text, null, caller.SessionId, false);
    }

    /// <summary>
    /// The user id of an anonymous session: derived from the session id, so every node and every restart gives the
    /// session the same id without storing anything, and one-way, so the id other users see (in the users list and
    /// in join notices) never reveals the session id that proves ownership of the session's subscriptions.
    /// </summary>
    public static string AnonymousSessionUserId(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("ss-anonymous-user:" + sessionId), hash);
        return "-s" + Base64Url.EncodeToString(hash[..16]);
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
