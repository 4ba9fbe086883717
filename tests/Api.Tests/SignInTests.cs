using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServerEvents.Api.Tests;

/// <summary>
/// Guest sign-in by display name with cookies, the optional password, sign-out, GitHub through the generic OAuth
/// handler, who is an administrator, and where return URLs may lead.
/// </summary>
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
        Assert.StartsWith("guest:", me.GetProperty("userId").GetString(), StringComparison.Ordinal);
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
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "octocat" }));
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

    /// <summary>Return URLs (as sent, query-encoded) that lead off the site, or would break the Location header.</summary>
    public static TheoryData<string> ForeignReturnUrls =>
    [
        "//evil.example/",
        "/%09/evil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "%2F%2Fevil.example",
        "%2F%09%2Fevil.example",
        "https://evil.example/",
        "https:%2F%2Fevil.example",
        "%09https://evil.example",
        "/%0D%0ASet-Cookie:%20planted=1",
        "/%0Aevil",
        "/%0D",
    ];

    [Theory]
    [MemberData(nameof(ForeignReturnUrls))]
    public async Task The_return_url_after_github_sign_in_stays_on_this_site(string returnUrl)
    {
        await using var github = await StandInGitHub.StartAsync();
        await using var server = await ChatServer.StartAsync(github.Settings());
        using var browser = server.CreateClient();

        using var landed = await browser.GetAsync("auth/github?returnUrl=" + returnUrl);

        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal(server.BaseAddress.Authority, landed.RequestMessage!.RequestUri!.Authority);
        Assert.Equal("/", landed.RequestMessage.RequestUri.AbsolutePath);
        Assert.Equal(1, github.TokenExchanges);
        Assert.True((await browser.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAuthenticated").GetBoolean());
    }

    [Fact]
    public async Task A_local_return_url_after_github_sign_in_is_kept()
    {
        await using var github = await StandInGitHub.StartAsync();
        await using var server = await ChatServer.StartAsync(github.Settings());
        using var browser = server.CreateClient();

        using var landed = await browser.GetAsync("auth/github?returnUrl=" + Uri.EscapeDataString("/?channels=home,work"));

        Assert.Equal("/", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("?channels=home,work", landed.RequestMessage.RequestUri.Query);
    }

    [Theory]
    [MemberData(nameof(ForeignReturnUrls))]
    public async Task Sign_in_and_sign_out_forms_redirect_only_on_this_site(string returnUrl)
    {
        await using var server = await ChatServer.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var decoded = Uri.UnescapeDataString(returnUrl);

        using var signIn = await client.PostAsync("auth/signin", new FormUrlEncodedContent([new("displayName", "ada"), new("returnUrl", decoded)]));
        using var signOut = await client.PostAsync("auth/signout", new FormUrlEncodedContent([new("returnUrl", decoded)]));

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        Assert.Equal("/", signOut.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Sign_in_and_sign_out_forms_return_to_a_local_url()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        using var signIn = await client.PostAsync("auth/signin", new FormUrlEncodedContent([new("displayName", "ada"), new("returnUrl", "/?channels=work")]));

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal("/?channels=work", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_guest_is_never_an_administrator_whatever_name_or_password_it_gives()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:Password"] = "s3cret",
            ["Auth:Administrators:0"] = "boss",
            ["Auth:Administrators:1"] = "github:583231",
        });
        using var guest = server.CreateClient();

        using var asAdministrator = await guest.PostAsJsonAsync("auth/signin", new { displayName = "Boss", password = "s3cret" });
        var me = await ChatServiceTests.SignInAsync(guest, "bossy", "s3cret");

        Assert.Equal(HttpStatusCode.Conflict, asAdministrator.StatusCode);
        Assert.Contains("reserved", await ChatServiceTests.ErrorMessageAsync(asAdministrator), StringComparison.Ordinal);
        Assert.False(me.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await guest.PostAsync("chathistory/clear?channel=home", null)).StatusCode);
    }

    [Theory]
    [InlineData("github:583231")]
    [InlineData("OctoCat")]
    public async Task A_github_account_listed_by_id_or_login_is_an_administrator(string entry)
    {
        await using var github = await StandInGitHub.StartAsync();
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?> { ["Auth:Administrators:0"] = entry }));
        using var browser = server.CreateClient();

        using var landed = await browser.GetAsync("auth/github?returnUrl=/auth/me");

        Assert.True((await landed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isAdmin").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync("chathistory/clear?channel=home", null)).StatusCode);
    }

    [Fact]
    public async Task A_github_account_not_listed_is_not_an_administrator_and_its_names_are_reserved_once_seen()
    {
        await using var github = await StandInGitHub.StartAsync(id: 42, login: "someone", name: "Some.One");
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "github:583231" }));
        using var browser = server.CreateClient();
        using var guest = server.CreateClient();

        using var landed = await browser.GetAsync("auth/github?returnUrl=/auth/me");
        (await browser.PostAsync("auth/signout", null)).EnsureSuccessStatusCode();
        using var login = await guest.PostAsJsonAsync("auth/signin", new { displayName = "someone" });
        using var shownName = await guest.PostAsJsonAsync("auth/signin", new { displayName = "Some.One" });
        using var otherName = await guest.PostAsJsonAsync("auth/signin", new { displayName = "Some_One" });

        Assert.False((await landed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isAdmin").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, login.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, shownName.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherName.StatusCode);
    }

    [Theory]
    [InlineData("user1")]
    [InlineData("USER42")]
    public async Task Anonymous_user_names_are_reserved(string displayName)
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        using var response = await client.PostAsJsonAsync("auth/signin", new { displayName });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
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
}
