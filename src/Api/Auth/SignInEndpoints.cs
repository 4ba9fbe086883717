using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using ServerEvents.Api.Chat;
using ServerEvents.Endpoints;

namespace ServerEvents.Api.Auth;

/// <summary><c>/auth/me</c>, <c>/auth/signin</c> (display name, optional shared password), <c>/auth/signout</c> and <c>/auth/github</c>.</summary>
internal static partial class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/auth").AddEndpointFilter<BadInputFilter>();
        auth.MapGet("/me", (HttpContext context, IOptionsMonitor<SignInOptions> signIn, IOptionsMonitor<ChatOptions> chat) =>
            Results.Json(Describe(context.User, signIn.CurrentValue, chat.CurrentValue)));
        auth.MapPost("/signin", SignInAsync);
        auth.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Json(new { signedOut = true });
        });
        auth.MapGet("/github", (string? returnUrl, IOptionsMonitor<SignInOptions> signIn) =>
            signIn.CurrentValue.GitHub.IsEnabled
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalUrlOr(returnUrl) }, [ChatAuthentication.GitHubScheme])
                : Results.NotFound());
        return endpoints;
    }

    private static async Task SignInAsync(HttpContext context, IOptionsMonitor<SignInOptions> signIn, IOptionsMonitor<ChatOptions> chat)
    {
        var options = signIn.CurrentValue;
        var fields = await RequestFields.ReadAsync(context.Request, 4096, context.RequestAborted);
        var displayName = fields.Get("displayName")?.Trim();
        if (displayName is null || !DisplayName().IsMatch(displayName))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "Choose a display name of 1 to 32 letters, digits, '_', '-' or '.'.");
            return;
        }

        if (!string.IsNullOrEmpty(options.Password) && fields.Get("password") != options.Password)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "The password is wrong.");
            return;
        }

        var identity = ChatAuthentication.CreateIdentity(
            "name:" + displayName.ToLowerInvariant(), displayName, displayName, null, options, CookieAuthenticationDefaults.AuthenticationScheme);
        var principal = new ClaimsPrincipal(identity);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        await context.Response.WriteAsJsonAsync(Describe(principal, options, chat.CurrentValue), context.RequestAborted);
    }

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

    // Only same-site paths: an open redirect after sign-in would hand users to any site.
    private static string LocalUrlOr(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,32}$")]
    private static partial Regex DisplayName();
}
