using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ServerEvents.Testing;

/// <summary>A user the tests sign in as.</summary>
/// <param name="UserId">The name-identifier claim.</param>
/// <param name="UserName">The name claim.</param>
/// <param name="DisplayName">The display-name claim.</param>
public sealed record TestUser(string UserId, string UserName, string DisplayName)
{
    internal string ToHeader() => $"{UserId}|{UserName}|{DisplayName}";
}

/// <summary>
/// Signs a request in from the <c>X-Test-User: id|name|display</c> header, through the real ASP.NET Core
/// authentication pipeline, so the server resolves identities exactly as it would for a cookie or a token.
/// </summary>
public sealed class HeaderAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "TestHeader";

    /// <summary>The header carrying the user.</summary>
    public const string HeaderName = "X-Test-User";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers[HeaderName].FirstOrDefault() is not { } header)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var parts = header.Split('|');
        if (parts.Length != 3)
        {
            return Task.FromResult(AuthenticateResult.Fail($"{HeaderName} must be id|name|display."));
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, parts[0]),
                new Claim(ClaimTypes.Name, parts[1]),
                new Claim("display_name", parts[2]),
            ],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
