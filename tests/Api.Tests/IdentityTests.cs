using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ServerEvents.Api.Tests;

/// <summary>
/// A display name is a label, not an identity: every guest sign-in gets a user id of its own, a name another user
/// is showing cannot be taken, and private messages follow the user id.
/// </summary>
public sealed class IdentityTests
{
    [Fact]
    public async Task A_second_browser_signing_in_as_a_name_in_use_is_refused_and_gets_neither_the_id_nor_the_private_messages()
    {
        await using var server = await ChatServer.StartAsync();
        using var alice = server.CreateClient();
        using var bob = server.CreateClient();
        using var mallory = server.CreateClient();
        var aliceId = (await ChatServiceTests.SignInAsync(alice, "alice")).GetProperty("userId").GetString()!;
        await using var aliceStream = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home");
        await using var bobStream = await EventStreamReader.OpenAsync(bob, "event-stream?channels=home");

        using var sameName = await mallory.PostAsJsonAsync("auth/signin", new { displayName = "alice" });
        using var otherCase = await mallory.PostAsJsonAsync("auth/signin", new { displayName = "ALICE" });
        var malloryId = (await ChatServiceTests.SignInAsync(mallory, "alice_")).GetProperty("userId").GetString()!;
        await using var malloryStream = await EventStreamReader.OpenAsync(mallory, "event-stream?channels=home");
        (await bob.PostAsJsonAsync("channels/home/chat", new { from = bobStream.SubscriptionId, message = "for alice only", toUserId = aliceId })).EnsureSuccessStatusCode();
        (await bob.PostAsJsonAsync("channels/home/chat", new { from = bobStream.SubscriptionId, message = "public marker" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Conflict, sameName.StatusCode);
        Assert.Contains("already using the name 'alice'", await ChatServiceTests.ErrorMessageAsync(sameName), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, otherCase.StatusCode);
        Assert.NotEqual(aliceId, malloryId);
        Assert.Equal("for alice only", (await aliceStream.WaitForAsync("cmd.chat")).Json.GetProperty("message").GetString());
        await malloryStream.WaitForAsync("home@cmd.chat");
        Assert.DoesNotContain(malloryStream.Received, f => f.Selector == "cmd.chat" && f.Body.Contains("for alice only", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_name_stays_claimed_between_sign_in_and_the_first_stream()
    {
        await using var server = await ChatServer.StartAsync();
        using var alice = server.CreateClient();
        using var mallory = server.CreateClient();
        await ChatServiceTests.SignInAsync(alice, "alice");

        using var taken = await mallory.PostAsJsonAsync("auth/signin", new { displayName = "alice" });

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.False((await mallory.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAuthenticated").GetBoolean());
    }

    [Fact]
    public async Task Every_guest_sign_in_is_a_new_user_id_unless_it_keeps_its_own_name()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Auth:GuestNameHold"] = "00:00:00" });
        using var first = server.CreateClient();
        using var second = server.CreateClient();

        var once = (await ChatServiceTests.SignInAsync(first, "ada")).GetProperty("userId").GetString();
        var again = (await ChatServiceTests.SignInAsync(first, "Ada")).GetProperty("userId").GetString();
        var renamed = (await ChatServiceTests.SignInAsync(first, "grace")).GetProperty("userId").GetString();
        var elsewhere = (await ChatServiceTests.SignInAsync(second, "ada")).GetProperty("userId").GetString();

        Assert.Equal(once, again);
        Assert.NotEqual(once, renamed);
        Assert.NotEqual(once, elsewhere);
        Assert.All([once, renamed, elsewhere], id => Assert.Matches("^guest:[A-Za-z0-9_-]{22}$", id));
    }

    [Fact]
    public async Task Cookies_issued_under_the_old_name_ids_are_turned_away()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "alice" });
        using var client = ClientWithAuthCookie(server, "name:alice", "alice", administrator: true);

        var me = await client.GetFromJsonAsync<JsonElement>("auth/me");

        Assert.False(me.GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("chathistory/clear?channel=home", null)).StatusCode);
    }

    [Fact]
    public async Task The_administrator_role_follows_the_configuration_not_the_cookie()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "github:7" });
        using var delisted = ClientWithAuthCookie(server, "github:8", "former", administrator: true);
        using var listed = ClientWithAuthCookie(server, "github:7", "current", administrator: false);
        using var guest = ClientWithAuthCookie(server, "guest:forged", "guest", administrator: true);

        Assert.False((await delisted.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAdmin").GetBoolean());
        Assert.True((await listed.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAdmin").GetBoolean());
        Assert.False((await guest.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAdmin").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await delisted.PostAsync("chathistory/clear?channel=home", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await listed.PostAsync("chathistory/clear?channel=home", null)).StatusCode);
    }

    /// <summary>A client holding an authentication cookie the server itself sealed, as an older version or an older configuration issued it.</summary>
    private static HttpClient ClientWithAuthCookie(ChatServer server, string userId, string name, bool administrator)
    {
        var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, userId));
        identity.AddClaim(new Claim(ClaimTypes.Name, name));
        identity.AddClaim(new Claim("display_name", name));
        if (administrator)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, "admin"));
        }

        var options = server.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), CookieAuthenticationDefaults.AuthenticationScheme);
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", $"chat-auth={options.TicketDataFormat.Protect(ticket)}");
        return client;
    }
}
