using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.Options;

namespace ServerEvents.Api.Auth;

/// <summary>Cookie sign-in, plus GitHub through the framework's generic OAuth handler when configured.</summary>
internal static partial class ChatAuthentication
{
    public const string GitHubScheme = "GitHub";

    /// <summary>The claim the server events identity reads the display name from.</summary>
    public const string DisplayNameClaim = "display_name";

    public static IServiceCollection AddChatAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SignInOptions.SectionName);
        services.Configure<SignInOptions>(section);
        services.AddSingleton<GuestNames>();
        var signIn = section.Get<SignInOptions>() ?? new SignInOptions();

        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "chat-auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromDays(7);
                options.SlidingExpiration = true;

                // An API answers 401/403; it does not redirect to a login page.
                options.Events.OnRedirectToLogin = context => WriteStatus(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => WriteStatus(context, StatusCodes.Status403Forbidden);
                options.Events.OnValidatePrincipal = ValidatePrincipalAsync;
            })
            .AddBearerWhenConfigured(configuration);

        if (signIn.GitHub.IsEnabled)
        {
            authentication.AddOAuth(GitHubScheme, options =>
            {
                var github = signIn.GitHub;
                options.ClientId = github.ClientId!;
                options.ClientSecret = github.ClientSecret!;
                options.CallbackPath = "/signin-github";
                options.AuthorizationEndpoint = github.AuthorizationEndpoint;
                options.TokenEndpoint = github.TokenEndpoint;
                options.UserInformationEndpoint = github.UserInformationEndpoint;
                options.Scope.Add("read:user");

                // Same-site and secure only when the site is: local and test runs are plain HTTP.
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.Events.OnCreatingTicket = AddGitHubClaimsAsync;

                // The return URL travels in the protected state, but is checked again before it becomes a Location.
                options.Events.OnTicketReceived = context =>
                {
                    context.ReturnUri = ReturnUrl.LocalOrRoot(context.ReturnUri);
                    return Task.CompletedTask;
                };

                // A refused consent or a stale callback is the user's business, not a server error.
                options.Events.OnRemoteFailure = context =>
                {
                    context.Response.Redirect("/?signin=failed");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        }

        services.AddAuthorization();
        services.AddPrivateUserChannels(configuration);
        return services;
    }

    /// <summary>The claims of a chat user: what the server events identity resolver reads.</summary>
    /// <param name="isAdministrator">Only for an identity that was proven (GitHub), never for a chosen name.</param>
    public static ClaimsIdentity CreateIdentity(string userId, string userName, string displayName, string? pictureUrl, bool isAdministrator, string scheme)
    {
        var identity = new ClaimsIdentity(scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, userId));
        identity.AddClaim(new Claim(ClaimTypes.Name, userName));
        identity.AddClaim(new Claim(DisplayNameClaim, displayName));
        if (pictureUrl is not null)
        {
            identity.AddClaim(new Claim("picture", pictureUrl));
        }

        if (isAdministrator)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, ChatRoles.Administrator));
        }

        return identity;
    }

    /// <summary>Whether a GitHub account (<c>github:&lt;id&gt;</c> user id and login) is listed in <c>Auth:Administrators</c>.</summary>
    private static bool IsAdministrator(SignInOptions options, string userId, string? login) =>
        GitHubUserId().IsMatch(userId)
        && options.Administrators.Exists(entry =>
            string.Equals(entry, userId, StringComparison.OrdinalIgnoreCase)
            || (login is not null && string.Equals(entry, login, StringComparison.OrdinalIgnoreCase)));

    private static async Task AddGitHubClaimsAsync(OAuthCreatingTicketContext context)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, context.Options.UserInformationEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd("ServerEvents-Chat");
        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        response.EnsureSuccessStatusCode();
        using var user = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted));
        var root = user.RootElement;
        var login = root.GetProperty("login").GetString()!;
        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : login;
        var avatar = root.TryGetProperty("avatar_url", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        var userId = "github:" + root.GetProperty("id").GetRawText();
        var services = context.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<SignInOptions>>().CurrentValue;
        services.GetRequiredService<GuestNames>().ReserveGitHubNames(login, name);
        context.Principal = new ClaimsPrincipal(CreateIdentity(userId, login, name, avatar, IsAdministrator(options, userId, login), context.Scheme.Name));
    }

    /// <summary>
    /// Turns away cookies issued under the old rules (a <c>name:</c> user id anyone could claim) and keeps the
    /// administrator role in step with <c>Auth:Administrators</c>, so removing an entry takes effect at once.
    /// </summary>
    private static Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var userId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var isGuest = GuestIdentity.IsGuest(userId);
        if (userId is null || (!isGuest && !GitHubUserId().IsMatch(userId)))
        {
            context.RejectPrincipal();
            return Task.CompletedTask;
        }

        var options = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<SignInOptions>>().CurrentValue;
        var shouldBeAdministrator = !isGuest && IsAdministrator(options, userId, context.Principal!.FindFirstValue(ClaimTypes.Name));
        if (context.Principal!.IsInRole(ChatRoles.Administrator) != shouldBeAdministrator)
        {
            var principal = context.Principal;
            context.ReplacePrincipal(new ClaimsPrincipal(CreateIdentity(
                userId,
                principal.FindFirstValue(ClaimTypes.Name) ?? userId,
                principal.FindFirstValue(DisplayNameClaim) ?? userId,
                principal.FindFirstValue("picture"),
                shouldBeAdministrator,
                context.Scheme.Name)));
            context.ShouldRenew = true;
        }

        return Task.CompletedTask;
    }

    private static Task WriteStatus(RedirectContext<CookieAuthenticationOptions> context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        return Task.CompletedTask;
    }

    [GeneratedRegex("^github:[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubUserId();
}
