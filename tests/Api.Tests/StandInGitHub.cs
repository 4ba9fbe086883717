using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServerEvents.Api.Tests;

/// <summary>
/// A stand-in for GitHub's OAuth endpoints on loopback (authorize, token and user) that signs in one account:
/// octocat (id 583231) unless told otherwise.
/// </summary>
internal sealed class StandInGitHub : IAsyncDisposable
{
    public const string ClientId = "test-client";
    public const string ClientSecret = "test-secret";
    private const string Code = "code-123";
    private const string Token = "token-456";

    private readonly WebApplication _app;
    private int _tokenExchanges;

    private StandInGitHub(WebApplication app) => _app = app;

    public int TokenExchanges => _tokenExchanges;

    private Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>The chat server settings that send "Sign in with GitHub" here, plus <paramref name="more"/>.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:GitHub:ClientId"] = ClientId,
            ["Auth:GitHub:ClientSecret"] = ClientSecret,
            ["Auth:GitHub:AuthorizationEndpoint"] = Url("login/oauth/authorize"),
            ["Auth:GitHub:TokenEndpoint"] = Url("login/oauth/access_token"),
            ["Auth:GitHub:UserInformationEndpoint"] = Url("user"),
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task<StandInGitHub> StartAsync(long id = 583231, string login = "octocat", string name = "The Octocat")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var standIn = new StandInGitHub(app);

        app.MapGet("/login/oauth/authorize", (string client_id, string redirect_uri, string state) =>
            client_id == ClientId
                ? Results.Redirect($"{redirect_uri}?code={Code}&state={Uri.EscapeDataString(state)}")
                : Results.BadRequest("unknown client"));
        app.MapPost("/login/oauth/access_token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["code"] != Code || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            {
                return Results.BadRequest(new { error = "bad_verification_code" });
            }

            Interlocked.Increment(ref standIn._tokenExchanges);
            return Results.Json(new { access_token = Token, token_type = "bearer", scope = "read:user" });
        });
        app.MapGet("/user", (HttpRequest request) =>
            request.Headers.Authorization == $"Bearer {Token}"
                ? Results.Json(new { id, login, name, avatar_url = $"https://avatars.example/{login}.png" })
                : Results.Unauthorized());

        await app.StartAsync();
        return standIn;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
