using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServerEvents.Api.Tests;

/// <summary>Display-name sign-in with cookies, the optional password, sign-out, and GitHub through the generic OAuth handler.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task Anonymous_by_default_then_signed_in_by_display_name_then_signed_out()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();

        var anonymous = await client.GetFromJsonAsync<JsonElement>("auth/me");
        Assert.False(anonymous.GetProperty("isAuthenticated").GetBoolean());
        Assert.False(anonymous.GetProperty("gitHubEnabled").GetBoolean());

        using (var form = await client.PostAsync("auth/signin", new FormUrlEncodedContent([new("displayName", "ada")])))
        {
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        }

        var me = await client.GetFromJsonAsync<JsonElement>("auth/me");
        Assert.True(me.GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal("name:ada", me.GetProperty("userId").GetString());
        Assert.Equal("ada", me.GetProperty("displayName").GetString());

        (await client.PostAsync("auth/signout", null)).EnsureSuccessStatusCode();
        Assert.False((await client.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAuthenticated").GetBoolean());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("<script>")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789")]
    public async Task Bad_display_names_are_400(string displayName)
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        using var response = await client.PostAsJsonAsync("auth/signin", new { displayName });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("display name", await ChatServiceTests.ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_password_is_required()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Auth:Password"] = "s3cret" });
        using var client = server.CreateClient();
        Assert.True((await client.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("signInRequiresPassword").GetBoolean());

        using var wrong = await client.PostAsJsonAsync("auth/signin", new { displayName = "ada", password = "guess" });
        using var missing = await client.PostAsJsonAsync("auth/signin", new { displayName = "ada" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.False((await client.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAuthenticated").GetBoolean());

        await ChatServiceTests.SignInAsync(client, "ada", "s3cret");
        Assert.True((await client.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAuthenticated").GetBoolean());
    }

    [Fact]
    public async Task GitHub_is_off_unless_configured()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("auth/github")).StatusCode);
    }

    [Fact]
    public async Task GitHub_sign_in_runs_the_oauth_code_flow_and_the_stream_carries_the_github_identity()
    {
        await using var github = await StandInGitHub.StartAsync();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:GitHub:ClientId"] = StandInGitHub.ClientId,
            ["Auth:GitHub:ClientSecret"] = StandInGitHub.ClientSecret,
            ["Auth:GitHub:AuthorizationEndpoint"] = github.Url("login/oauth/authorize"),
            ["Auth:GitHub:TokenEndpoint"] = github.Url("login/oauth/access_token"),
            ["Auth:GitHub:UserInformationEndpoint"] = github.Url("user"),
            ["Auth:Administrators:0"] = "octocat",
        });
        using var browser = server.CreateClient();
        Assert.True((await browser.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("gitHubEnabled").GetBoolean());

        // Challenge → stand-in authorize → callback (code exchanged server to server) → cookie → back to the return URL.
        using var landed = await browser.GetAsync("auth/github?returnUrl=/auth/me");

        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal("/auth/me", landed.RequestMessage!.RequestUri!.AbsolutePath);
        var me = await landed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(me.GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal("github:583231", me.GetProperty("userId").GetString());
        Assert.Equal("The Octocat", me.GetProperty("displayName").GetString());
        Assert.True(me.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(1, github.TokenExchanges);

        await using var stream = await EventStreamReader.OpenAsync(browser, "event-stream?channels=home");
        Assert.Equal("github:583231", stream.Connect["userId"]);
        Assert.Equal("The Octocat", stream.Connect["displayName"]);
        Assert.Equal("https://avatars.example/octocat.png", stream.Connect["profileUrl"]);
    }

    [Fact]
    public async Task The_return_url_after_github_sign_in_stays_on_this_site()
    {
        await using var github = await StandInGitHub.StartAsync();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:GitHub:ClientId"] = StandInGitHub.ClientId,
            ["Auth:GitHub:ClientSecret"] = StandInGitHub.ClientSecret,
            ["Auth:GitHub:AuthorizationEndpoint"] = github.Url("login/oauth/authorize"),
            ["Auth:GitHub:TokenEndpoint"] = github.Url("login/oauth/access_token"),
            ["Auth:GitHub:UserInformationEndpoint"] = github.Url("user"),
        });
        using var browser = server.CreateClient();

        using var landed = await browser.GetAsync("auth/github?returnUrl=//evil.example/");

        Assert.Equal(server.BaseAddress.Authority, landed.RequestMessage!.RequestUri!.Authority);
        Assert.Equal("/", landed.RequestMessage.RequestUri.AbsolutePath);
    }

    [Fact]
    public async Task A_forged_oauth_callback_is_turned_away_without_a_server_error()
    {
        await using var github = await StandInGitHub.StartAsync();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:GitHub:ClientId"] = StandInGitHub.ClientId,
            ["Auth:GitHub:ClientSecret"] = StandInGitHub.ClientSecret,
            ["Auth:GitHub:TokenEndpoint"] = github.Url("login/oauth/access_token"),
        });
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync("signin-github?code=stolen&state=forged");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/?signin=failed", response.Headers.Location?.OriginalString);
        Assert.Equal(0, github.TokenExchanges);
    }

    /// <summary>A stand-in for GitHub's OAuth endpoints on loopback: authorize, token and user.</summary>
    private sealed class StandInGitHub : IAsyncDisposable
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

        public static async Task<StandInGitHub> StartAsync()
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
                    ? Results.Json(new { id = 583231, login = "octocat", name = "The Octocat", avatar_url = "https://avatars.example/octocat.png" })
                    : Results.Unauthorized());

            await app.StartAsync();
            return standIn;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
