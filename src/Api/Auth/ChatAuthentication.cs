using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace ServerEvents.Api.Auth;

/// <summary>Cookie sign-in, plus GitHub through the framework's generic OAuth handler when configured.</summary>
internal static class ChatAuthentication
{
    public const string GitHubScheme = "GitHub";

    /// <summary>The claim the server events identity reads the display name from.</summary>
    public const string DisplayNameClaim = "display_name";

    public static IServiceCollection AddChatAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SignInOptions.SectionName);
        services.Configure<SignInOptions>(section);
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
            });

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
                options.Events.OnCreatingTicket = context => AddGitHubClaimsAsync(context, signIn);

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
        return services;
    }

    /// <summary>The claims of a chat user: what the server events identity resolver reads.</summary>
    public static ClaimsIdentity CreateIdentity(string userId, string userName, string displayName, string? pictureUrl, SignInOptions options, string scheme)
    {
        var identity = new ClaimsIdentity(scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, userId));
        identity.AddClaim(new Claim(ClaimTypes.Name, userName));
        identity.AddClaim(new Claim(DisplayNameClaim, displayName));
        if (pictureUrl is not null)
        {
            identity.AddClaim(new Claim("picture", pictureUrl));
        }

        if (options.Administrators.Contains(userName, StringComparer.OrdinalIgnoreCase))
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, ChatRoles.Administrator));
        }

        return identity;
    }

    private static async Task AddGitHubClaimsAsync(OAuthCreatingTicketContext context, SignInOptions options)
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
        var identity = CreateIdentity("github:" + root.GetProperty("id").GetRawText(), login, name, avatar, options, context.Scheme.Name);
        context.Principal = new ClaimsPrincipal(identity);
    }

    private static Task WriteStatus(RedirectContext<CookieAuthenticationOptions> context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        return Task.CompletedTask;
    }
}
