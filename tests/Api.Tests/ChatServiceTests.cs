using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ServerEvents.Api.Tests;

/// <summary>The chat services of CHAT.md over HTTP: posting, privacy, relaying, history, clearing and their bad inputs.</summary>
public sealed class ChatServiceTests
{
    [Fact]
    public async Task A_posted_message_is_stored_published_to_the_channel_and_returned()
    {
        await using var server = await ChatServer.StartAsync();
        using var alice = server.CreateClient();
        using var bob = server.CreateClient();
        await using var aliceStream = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home");
        await using var bobStream = await EventStreamReader.OpenAsync(bob, "event-stream?channels=home");

        using var response = await alice.PostAsJsonAsync("channels/home/chat", new { from = aliceStream.SubscriptionId, message = "hello <b>bob</b>" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("home", stored.GetProperty("channel").GetString());
        Assert.Equal("hello <b>bob</b>", stored.GetProperty("message").GetString());
        Assert.Equal(aliceStream.Connect["userId"], stored.GetProperty("fromUserId").GetString());
        Assert.Equal(aliceStream.Connect["displayName"], stored.GetProperty("displayName").GetString());
        Assert.False(stored.GetProperty("private").GetBoolean());

        var live = await bobStream.WaitForAsync("home@cmd.chat");
        Assert.Equal(stored.GetProperty("id").GetInt64(), live.Json.GetProperty("id").GetInt64());
        var history = await bob.GetFromJsonAsync<JsonElement[]>("chathistory?channels=home");
        Assert.Equal("hello <b>bob</b>", Assert.Single(history!).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Form_bodies_and_custom_selectors_are_accepted()
    {
        await using var server = await ChatServer.StartAsync();
        using var alice = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home");

        using var response = await alice.PostAsync("channels/home/chat", new FormUrlEncodedContent(
            [new("from", stream.SubscriptionId), new("message", "by form"), new("selector", "cmd.shout")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("by form", (await stream.WaitForAsync("home@cmd.shout")).Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Nobody_can_post_as_someone_else_by_knowing_a_subscription_id()
    {
        await using var server = await ChatServer.StartAsync();
        using var alice = server.CreateClient();
        using var mallory = server.CreateClient();
        await using var aliceStream = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home");
        await SignInAsync(mallory, "mallory");

        using var anonymousImpostor = await server.CreateClient().PostAsJsonAsync("channels/home/chat", new { from = aliceStream.SubscriptionId, message = "i am alice" });
        using var signedInImpostor = await mallory.PostAsJsonAsync("channels/home/chat", new { from = aliceStream.SubscriptionId, message = "i am alice" });
        using var rawImpostor = await mallory.PostAsJsonAsync("channels/home/raw", new { from = aliceStream.SubscriptionId, message = "x", selector = "cmd.announce" });

        Assert.Equal(HttpStatusCode.Forbidden, anonymousImpostor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, signedInImpostor.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rawImpostor.StatusCode);
        Assert.Empty((await alice.GetFromJsonAsync<JsonElement[]>("chathistory?channels=home"))!);
    }

    [Fact]
    public async Task A_signed_in_user_posts_from_any_of_their_tabs()
    {
        await using var server = await ChatServer.StartAsync();
        var browser = new CookieContainer();
        using var tab1 = new HttpClient(new SocketsHttpHandler { CookieContainer = browser }) { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        await SignInAsync(tab1, "carol");
        await using var stream = await EventStreamReader.OpenAsync(tab1, "event-stream?channels=home");
        Assert.StartsWith("guest:", stream.Connect["userId"], StringComparison.Ordinal);
        Assert.Equal("carol", stream.Connect["displayName"]);
        Assert.Equal("true", stream.Connect["isAuthenticated"]);

        // Another tab of the same browser: same cookies, so the same guest.
        using var tab2 = new HttpClient(new SocketsHttpHandler { CookieContainer = browser }) { BaseAddress = server.BaseAddress };
        using var response = await tab2.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "from my other tab" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, object, HttpStatusCode, string> BadPosts => new()
    {
        { "channels/home/chat", new { from = "nope", message = "x" }, HttpStatusCode.NotFound, "Subscription 'nope' does not exist" },
        { "channels/home/chat", new { message = "x" }, HttpStatusCode.BadRequest, "'from'" },
        { "channels/home/chat", new { from = "$self", message = "" }, HttpStatusCode.BadRequest, "'message' is required" },
        { "channels/home/chat", new { from = "$self" }, HttpStatusCode.BadRequest, "'message' is required" },
        { "channels/home/chat", new { from = "$self", message = new string('x', 51) }, HttpStatusCode.RequestEntityTooLarge, "limit is 50" },
        { "channels/home/chat", new { from = "$self", message = "x", selector = "cmd.a@b" }, HttpStatusCode.BadRequest, "must not contain '@'" },
        { "channels/bad%20name/chat", new { from = "$self", message = "x" }, HttpStatusCode.BadRequest, "is not valid" },
        { "channels/home/raw", new { from = "$self", message = "x", selector = "nodot" }, HttpStatusCode.BadRequest, "op.target" },
    };

    [Theory]
    [MemberData(nameof(BadPosts))]
    public async Task Bad_posts_are_4xx_with_a_message(string path, object body, HttpStatusCode expected, string message)
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:MaxMessageLength"] = "50" });
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        var json = JsonSerializer.Serialize(body).Replace("$self", stream.SubscriptionId, StringComparison.Ordinal);

        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(message, await ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies_are_4xx()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:MaxMessageLength"] = "50" });
        using var client = server.CreateClient();

        using var malformed = await client.PostAsync("channels/home/chat", new StringContent("{\"from\":", Encoding.UTF8, "application/json"));
        using var huge = await client.PostAsync("channels/home/chat", new StringContent(new string('x', 100_000), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("not valid JSON", await ErrorMessageAsync(malformed), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
    }

    [Fact]
    public async Task Posting_too_fast_is_429_with_retry_after()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:RateLimitPermits"] = "3",
            ["Chat:RateLimitWindow"] = "00:01:00",
        });
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        for (var i = 0; i < 3; i++)
        {
            (await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = $"m{i}" })).EnsureSuccessStatusCode();
        }

        using var limited = await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "one too many" });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Contains("Too many messages", await ErrorMessageAsync(limited), StringComparison.Ordinal);

        using var otherUser = server.CreateClient();
        await using var otherStream = await EventStreamReader.OpenAsync(otherUser, "event-stream?channels=home");
        (await otherUser.PostAsJsonAsync("channels/home/chat", new { from = otherStream.SubscriptionId, message = "my own budget" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_private_message_reaches_only_its_target_and_echoes_to_the_sender_without_being_stored()
    {
        await using var server = await ChatServer.StartAsync();
        using var alice = server.CreateClient();
        using var bob = server.CreateClient();
        using var carol = server.CreateClient();
        await using var aliceStream = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home");
        await using var bobStream = await EventStreamReader.OpenAsync(bob, "event-stream?channels=home");
        await using var carolStream = await EventStreamReader.OpenAsync(carol, "event-stream?channels=home");

        using var response = await alice.PostAsJsonAsync("channels/home/chat", new { from = aliceStream.SubscriptionId, message = "psst", toUserId = bobStream.Connect["userId"] });
        response.EnsureSuccessStatusCode();
        await server.ServerEvents.NotifyChannelAsync("home", "cmd.sentinel", null);

        var received = await bobStream.WaitForAsync("cmd.chat");
        Assert.True(received.Json.GetProperty("private").GetBoolean());
        Assert.Equal("home", received.Json.GetProperty("channel").GetString());
        var echo = await aliceStream.WaitForAsync("cmd.chat");
        Assert.Equal(received.Json.GetProperty("id").GetInt64(), echo.Json.GetProperty("id").GetInt64());
        await carolStream.WaitForAsync("home@cmd.sentinel");
        Assert.DoesNotContain(carolStream.Received, f => f.Selector == "cmd.chat");
        Assert.Empty((await alice.GetFromJsonAsync<JsonElement[]>("chathistory?channels=home"))!);
    }

    [Fact]
    public async Task Raw_relays_the_message_as_is_to_the_channel_or_one_user()
    {
        await using var server = await ChatServer.StartAsync(ChatServer.OpenRemoteControl);
        using var alice = server.CreateClient();
        using var bob = server.CreateClient();
        await using var aliceStream = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home");
        await using var bobStream = await EventStreamReader.OpenAsync(bob, "event-stream?channels=home");

        (await alice.PostAsJsonAsync("channels/home/raw", new { from = aliceStream.SubscriptionId, message = "#673ab7", selector = "css.background$#top" })).EnsureSuccessStatusCode();
        (await alice.PostAsJsonAsync("channels/home/raw", new { from = aliceStream.SubscriptionId, message = "red", selector = "css.color", toUserId = bobStream.Connect["userId"] })).EnsureSuccessStatusCode();

        Assert.Equal("\"#673ab7\"", (await bobStream.WaitForAsync("home@css.background$#top")).Body);
        Assert.Equal("\"red\"", (await bobStream.WaitForAsync("css.color")).Body);
        await server.ServerEvents.NotifyChannelAsync("home", "cmd.sentinel", null);
        await aliceStream.WaitForAsync("home@cmd.sentinel");
        Assert.DoesNotContain(aliceStream.Received, f => f.FullSelector == "css.color");
        Assert.Empty((await alice.GetFromJsonAsync<JsonElement[]>("chathistory?channels=home"))!);
    }

    [Fact]
    public async Task Raw_commands_without_a_message_are_relayed_with_a_null_body()
    {
        await using var server = await ChatServer.StartAsync(ChatServer.OpenRemoteControl);
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var response = await client.PostAsJsonAsync("channels/home/raw", new { from = stream.SubscriptionId, selector = "cmd.toggle$#channels" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, (await stream.WaitForAsync("home@cmd.toggle$#channels")).Body);
    }

    [Fact]
    public async Task Pages_are_served_with_a_content_security_policy()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        using var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Remote_control_can_be_limited_to_signed_in_users()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Chat:RemoteControlRequiresSignIn"] = "true",
            ["Chat:ChannelRemoteControlRequiresAdministrator"] = "false",
        });
        using var anonymous = server.CreateClient();
        using var signedIn = server.CreateClient();
        await SignInAsync(signedIn, "dave");
        await using var anonymousStream = await EventStreamReader.OpenAsync(anonymous, "event-stream?channels=home");
        await using var signedInStream = await EventStreamReader.OpenAsync(signedIn, "event-stream?channels=home");

        using var refused = await anonymous.PostAsJsonAsync("channels/home/raw", new { from = anonymousStream.SubscriptionId, message = "hi", selector = "cmd.announce" });
        using var allowed = await signedIn.PostAsJsonAsync("channels/home/raw", new { from = signedInStream.SubscriptionId, message = "hi", selector = "cmd.announce" });
        using var chatStillAllowed = await anonymous.PostAsJsonAsync("channels/home/chat", new { from = anonymousStream.SubscriptionId, message = "plain chat" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Sign in", await ErrorMessageAsync(refused), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chatStillAllowed.StatusCode);
    }

    [Fact]
    public async Task History_returns_the_last_messages_after_an_id_oldest_first_across_channels()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=a,b,c");
        var ids = new List<long>();
        foreach (var (channel, text) in new[] { ("a", "a1"), ("b", "b1"), ("a", "a2"), ("c", "c1"), ("b", "b2") })
        {
            var posted = await (await client.PostAsJsonAsync($"channels/{channel}/chat", new { from = stream.SubscriptionId, message = text })).Content.ReadFromJsonAsync<JsonElement>();
            ids.Add(posted.GetProperty("id").GetInt64());
        }

        Assert.Equal(["a1", "b1", "a2", "b2"], await TextsAsync(client, "chathistory?channels=a,b"));
        Assert.Equal(["a2", "b2"], await TextsAsync(client, "chathistory?channels=a,b&take=2"));
        Assert.Equal(["a2", "b2"], await TextsAsync(client, $"chathistory?channels=a,b&afterId={ids[1]}"));
        Assert.Equal(ids.Order(), ids);
    }

    [Theory]
    [InlineData("chathistory", "'channels' is required")]
    [InlineData("chathistory?channels=a%20b", "is not valid")]
    [InlineData("chathistory?channels=a&take=0", "'take'")]
    [InlineData("chathistory?channels=a&take=abc", "'take'")]
    [InlineData("chathistory?channels=a&afterId=-1", "'afterId'")]
    [InlineData("chathistory?channels=a&take=100000", "'take'")]
    public async Task Bad_history_queries_are_400(string url, string message)
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_administrators_clear_history_and_every_page_is_told()
    {
        await using var github = await StandInGitHub.StartAsync();
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "octocat" }));
        using var anonymous = server.CreateClient();
        using var user = server.CreateClient();
        using var admin = server.CreateClient();
        await SignInAsync(user, "worker");
        using (var me = await admin.GetAsync("auth/github?returnUrl=/auth/me"))
        {
            Assert.True((await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isAdmin").GetBoolean());
        }
        await using var stream = await EventStreamReader.OpenAsync(anonymous, "event-stream?channels=home");
        (await anonymous.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "keep me?" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("chathistory/clear?channel=home", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsync("chathistory/clear?channel=home", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("chathistory/clear?channel=bad%20name", null)).StatusCode);
        Assert.Single((await anonymous.GetFromJsonAsync<JsonElement[]>("chathistory?channels=home"))!);

        using var cleared = await admin.PostAsync("chathistory/clear?channel=home", null);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(1, (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cleared").GetInt32());
        await stream.WaitForAsync("home@cmd.historyCleared");
        Assert.Empty((await anonymous.GetFromJsonAsync<JsonElement[]>("chathistory?channels=home"))!);
    }

    internal static async Task<JsonElement> SignInAsync(HttpClient client, string displayName, string? password = null)
    {
        using var response = await client.PostAsJsonAsync("auth/signin", new { displayName, password });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static async Task<string> ErrorMessageAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("responseStatus").GetProperty("message").GetString()!;
    }

    private static async Task<string[]> TextsAsync(HttpClient client, string url) =>
        [.. (await client.GetFromJsonAsync<JsonElement[]>(url))!.Select(m => m.GetProperty("message").GetString()!)];
}
