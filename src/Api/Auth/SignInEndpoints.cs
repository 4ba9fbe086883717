using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using ServerEvents.Api.Chat;
using ServerEvents.Endpoints;

namespace ServerEvents.Api.Auth;

/// <summary>
/// <c>/auth/me</c>, <c>/auth/signin</c> (a guest with a display name, optional shared password), <c>/auth/signout</c>
/// and <c>/auth/github</c>. Sign-in and sign-out answer JSON, or a 303 to a local <c>returnUrl</c> when a form sends one.
/// </summary>
internal static partial class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/auth").AddEndpointFilter<BadInputFilter>();
        auth.MapGet("/me", (HttpContext context, IOptionsMonitor<SignInOptions> signIn, IOptionsMonitor<ChatOptions> chat) =>
            Results.Json(Describe(context.User, signIn.CurrentValue, chat.CurrentValue)));
        auth.MapPost("/signin", SignInAsync).RequireRateLimiting(ChatRateLimiting.SignInPolicy);
        auth.MapPost("/signout", SignOutAsync);
        auth.MapGet("/github", (string? returnUrl, IOptionsMonitor<SignInOptions> signIn) =>
            signIn.CurrentValue.GitHub.IsEnabled
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = ReturnUrl.LocalOrRoot(returnUrl) }, [ChatAuthentication.GitHubScheme])
                : Results.NotFound());
        return endpoints;
    }

    private static async Task SignInAsync(HttpContext context, GuestNames guestNames, IOptionsMonitor<SignInOptions> signIn, IOptionsMonitor<ChatOptions> chat)
    {
        var options = signIn.CurrentValue;
        var fields = await RequestFields.ReadAsync(context.Request, 4096, context.RequestAborted);
        var displayName = fields.Get("displayName")?.Trim();
        if (displayName is null || !DisplayName().IsMatch(displayName))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "Choose a display name of 1 to 32 letters, digits, '_', '-' or '.'.");
            return;
        }

        if (!string.IsNullOrEmpty(options.Password) && !SecretsEqual(fields.Get("password"), options.Password))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "The password is wrong.");
            return;
        }

        // Signing in again under the name you already show keeps your id (your other tabs stay yours); anything
        // else is a new guest, whatever the name.
        var current = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var userId = GuestIdentity.IsGuest(current)
            && string.Equals(context.User.FindFirstValue(ChatAuthentication.DisplayNameClaim), displayName, StringComparison.OrdinalIgnoreCase)
                ? current!
                : GuestIdentity.NewUserId();
        if (await guestNames.TryClaimAsync(displayName, userId, context.RequestAborted) is { } refusal)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status409Conflict, refusal);
            return;
        }

        var principal = new ClaimsPrincipal(ChatAuthentication.CreateIdentity(
            userId, displayName, displayName, null, isAdministrator: false, CookieAuthenticationDefaults.AuthenticationScheme));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        await RespondAsync(context, fields, Describe(principal, options, chat.CurrentValue));
    }

    private static async Task SignOutAsync(HttpContext context)
    {
        var fields = await RequestFields.ReadAsync(context.Request, 4096, context.RequestAborted);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await RespondAsync(context, fields, new { signedOut = true });
    }

    private static Task RespondAsync(HttpContext context, RequestFields fields, object body)
    {
        if (fields.Get("returnUrl") is { } returnUrl)
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = ReturnUrl.LocalOrRoot(returnUrl);
            return Task.CompletedTask;
        }

        return context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }

    // Hashing first gives both sides one length, so the comparison time says nothing about the password either.
    private static bool SecretsEqual(string? given, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given ?? string.Empty)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static object Describe(ClaimsPrincipal user, SignInOptions signIn, ChatOptions chat)
    {
        var isAuthenticated = user.Identity?.IsAuthenticated == true;
        return new
        {
            isAuthenticated,
            userId = isAuthenticated ? user.FindFirstValue(ClaimTypes.NameIdentifier) : null,
            userName = isAuthenticated ? user.FindFirstValue(ClaimTypes.Name) : null,
            displayName = isAuthenticated ? user.FindFirstValue(ChatAuthentication.DisplayNameClaim) : null,
            isAdmin = isAuthenticated && user.IsInRole(ChatRoles.Administrator),
            remoteControlRequiresSignIn = chat.RemoteControlRequiresSignIn,
            channelRemoteControlRequiresAdministrator = chat.ChannelRemoteControlRequiresAdministrator,
            signInRequiresPassword = !string.IsNullOrEmpty(signIn.Password),
            gitHubEnabled = signIn.GitHub.IsEnabled,
        };
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,32}$")]
    private static partial Regex DisplayName();
}
