using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ServerEvents.Endpoints;
using ServerEvents.Hosting;

namespace ServerEvents.Api.Auth;

/// <summary>
/// JWT bearer tokens for API clients, beside the chat's cookie sign-in, switched on by the
/// <c>Authentication:Schemes:Bearer</c> section that ASP.NET Core's JWT handler reads (ValidIssuer, ValidAudiences,
/// SigningKeys, Authority...). A policy scheme sends a request that carries a token to the bearer handler and every
/// other request to cookies. A browser's <c>EventSource</c> cannot set headers, so the stream, and only the stream,
/// also takes the token from the <c>access_token</c> query parameter, as SignalR does.
/// </summary>
internal static partial class BearerAuthentication
{
    /// <summary>The configuration section of the bearer scheme, as the framework's JWT handler reads it.</summary>
    public const string SectionName = "Authentication:Schemes:" + JwtBearerDefaults.AuthenticationScheme;

    /// <summary>The default scheme once bearer tokens are on: it forwards to bearer or to cookies.</summary>
    public const string CookieOrBearerScheme = "CookieOrBearer";

    /// <summary>The query parameter that carries the token on the stream.</summary>
    public const string AccessTokenParameter = "access_token";

    private const string NoSubject = "it has no 'sub' claim";

    /// <summary>Adds the bearer scheme when <see cref="SectionName"/> is configured; otherwise changes nothing.</summary>
    public static AuthenticationBuilder AddBearerWhenConfigured(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        if (!configuration.GetSection(SectionName).Exists())
        {
            return authentication;
        }

        authentication.Services.Configure<AuthenticationOptions>(options =>
        {
            options.DefaultScheme = CookieOrBearerScheme;
            options.DefaultSignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.DefaultSignOutScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        });
        authentication.AddPolicyScheme(CookieOrBearerScheme, "Cookie or bearer token", options =>
            options.ForwardDefaultSelector = context => CarriesToken(context)
                ? JwtBearerDefaults.AuthenticationScheme
                : CookieAuthenticationDefaults.AuthenticationScheme);

        // The framework binds the section first (JwtBearerConfigureOptions); this only adds what it cannot say.
        authentication.AddJwtBearer(options =>
        {
            // Claims keep their JWT names (sub, name, role) until MapIdentityAsync maps them to the chat's.
            options.MapInboundClaims = false;
            options.TokenValidationParameters.NameClaimType = "name";
            options.TokenValidationParameters.RoleClaimType = "role";
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = ReadStreamToken,
                OnTokenValidated = MapIdentity,
            };
        });
        return authentication;
    }

    /// <summary>
    /// Answers 401 with a message when a request carried a token that did not validate, instead of serving it as
    /// an anonymous caller: a client with an expired token must learn that it has to get a new one.
    /// </summary>
    public static IApplicationBuilder UseBearerTokenRejection(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<IConfiguration>().GetSection(SectionName).Exists())
        {
            return app;
        }

        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BearerAuthentication).FullName!);
        return app.Use(async (context, next) =>
        {
            if (CarriesToken(context))
            {
                // The authentication middleware already ran the handler; this reads its cached result.
                var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
                if (!result.Succeeded)
                {
                    var reason = Describe(result.Failure);
                    Log.Rejected(logger, context.Request.Path, reason, result.Failure?.GetType().Name);
                    context.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{reason}\"";
                    await ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, $"The bearer token was refused: {reason}.");
                    return;
                }
            }

            await next(context);
        });
    }

    /// <summary>Whether the request carries a token: an <c>Authorization: Bearer</c> header, or <c>access_token</c> on the stream.</summary>
    public static bool CarriesToken(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        || (IsStream(context) && context.Request.Query.ContainsKey(AccessTokenParameter));

    private static bool IsStream(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<ServerEventsOptions>>().CurrentValue.Paths.Stream is { Length: > 0 } stream
        && context.Request.Path.Equals(stream, StringComparison.OrdinalIgnoreCase);

    private static Task ReadStreamToken(MessageReceivedContext context)
    {
        if (context.Request.Headers.Authorization.Count == 0 && IsStream(context.HttpContext)
            && context.Request.Query[AccessTokenParameter].FirstOrDefault() is { Length: > 0 } token)
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Gives the token's subject the claims the cookie sign-in gives a chat user, which the server events identity
    /// and the chat read: <c>sub</c> is the user id, <c>name</c> (else <c>preferred_username</c>) the user name,
    /// <c>display_name</c> (else the name) the display name, <c>picture</c> and every <c>role</c>.
    /// </summary>
    private static Task MapIdentity(TokenValidatedContext context)
    {
        var token = context.Principal!;
        if (token.FindFirstValue("sub") is not { Length: > 0 } userId)
        {
            context.Fail(NoSubject);
            return Task.CompletedTask;
        }

        var userName = token.FindFirstValue("name") ?? token.FindFirstValue("preferred_username") ?? userId;
        var identity = ChatAuthentication.CreateIdentity(
            userId,
            userName,
            token.FindFirstValue(ChatAuthentication.DisplayNameClaim) ?? userName,
            token.FindFirstValue("picture"),
            isAdministrator: false,
            JwtBearerDefaults.AuthenticationScheme);
        foreach (var role in token.FindAll("role").Concat(token.FindAll("roles")))
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role.Value));
        }

        if (token.FindFirstValue("sid") is { Length: > 0 } sessionId)
        {
            identity.AddClaim(new Claim("sid", sessionId));
        }

        context.Principal = new ClaimsPrincipal(identity);
        return Task.CompletedTask;
    }

    /// <summary>Why a token failed, in words a client can act on and without the validator's internals.</summary>
    private static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "it has expired",
        SecurityTokenNotYetValidException => "it is not valid yet",
        SecurityTokenInvalidAudienceException => "its audience is not accepted",
        SecurityTokenInvalidIssuerException => "its issuer is not accepted",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not verify",
        SecurityTokenMalformedException => "it is malformed",
        SecurityTokenNoExpirationException => "it has no expiry",
        AuthenticationFailureException { Message: NoSubject } => NoSubject,
        _ => "it could not be validated",
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Refused a bearer token on {Path}: {Reason} ({FailureType}).", EventName = "BearerTokenRefused")]
        public static partial void Rejected(ILogger logger, PathString path, string reason, string? failureType);
    }
}
