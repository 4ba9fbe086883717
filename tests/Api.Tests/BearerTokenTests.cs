using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ServerEvents.Api.Tests;

/// <summary>
/// JWT bearer clients against the real front-end, configured as ASP.NET Core reads <c>Authentication:Schemes:Bearer</c>,
/// with tokens signed by a test key: a valid token opens the stream as its subject (header, or <c>access_token</c> on
/// the stream); an expired, wrong-audience, wrong-issuer or badly signed one is 401 with a message. The sample
/// <c>user-{id}</c> channel policy applies to token users; cookie sign-in keeps working beside it.
/// </summary>
public sealed class BearerTokenTests : IAsyncLifetime
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "server-events";

    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private ChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(Key),
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_valid_token_opens_the_stream_as_its_subject_and_its_heartbeats_pass()
    {
        using var client = BearerClient(Token("42", "Ann"));

        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        using var heartbeat = await client.PostAsync(stream.Connect["heartbeatUrl"], content: null);

        Assert.Equal("42", stream.Connect["userId"]);
        Assert.Equal("Ann", stream.Connect["displayName"]);
        Assert.Equal("true", stream.Connect["isAuthenticated"]);
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
    }

    [Fact]
    public async Task The_stream_takes_the_token_from_access_token_as_a_browser_sends_it()
    {
        using var client = _server.CreateClient();

        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home&access_token=" + Token("7", "Eve"));

        Assert.Equal("7", stream.Connect["userId"]);
    }

    [Fact]
    public async Task Access_token_counts_only_on_the_stream()
    {
        using var client = _server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var response = await client.PostAsJsonAsync(
            "channels/home/chat?access_token=" + Token("7", "Eve"),
            new { from = stream.SubscriptionId, message = "hi" });

        // Posted as the cookie session's anonymous user, not as the token's subject.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(stream.Connect["userId"], (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fromUserId").GetString());
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "expired", "it has expired" },
        { "wrong audience", "its audience is not accepted" },
        { "wrong issuer", "its issuer is not accepted" },
        { "bad signature", "its signature does not verify" },
        { "no subject", "it has no 'sub' claim" },
        { "garbage", "it could not be validated" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_refused_token_is_401_with_a_message_on_the_stream_and_on_side_requests(string kind, string reason)
    {
        var token = kind switch
        {
            "expired" => Token("42", "Ann", expires: DateTime.UtcNow.AddHours(-1)),
            "wrong audience" => Token("42", "Ann", audience: "someone-else"),
            "wrong issuer" => Token("42", "Ann", issuer: "https://other.test"),
            "bad signature" => Token("42", "Ann", key: RandomNumberGenerator.GetBytes(32)),
            "no subject" => Token(subject: null, "Ann"),
            _ => "not.a.jwt",
        };
        using var client = BearerClient(token);

        using var stream = await client.GetAsync("event-stream?channels=home", HttpCompletionOption.ResponseHeadersRead);
        using var query = await _server.CreateClient().GetAsync("event-stream?channels=home&access_token=" + Uri.EscapeDataString(token), HttpCompletionOption.ResponseHeadersRead);
        using var post = await client.PostAsJsonAsync("channels/home/chat", new { from = "x", message = "hi" });

        foreach (var response in new[] { stream, query, post })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal($"The bearer token was refused: {reason}.", await MessageAsync(response));
            Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_bearer_client_posts_to_the_chat_as_its_subject_and_the_cross_site_guard_lets_it_through()
    {
        using var client = BearerClient(Token("42", "Ann"));
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        using var request = new HttpRequestMessage(HttpMethod.Post, "channels/home/chat")
        {
            Content = JsonContent.Create(new { from = stream.SubscriptionId, message = "from an API client" }),
        };

        // No cookies: nothing a cross-site page could borrow, so even a foreign Origin passes.
        request.Headers.Add("Origin", "https://elsewhere.example");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chat = await stream.WaitForAsync("home@cmd.chat");
        Assert.Equal("42", chat.Json.GetProperty("fromUserId").GetString());
    }

    [Fact]
    public async Task A_user_channel_is_only_for_its_user_to_join_and_to_post_to()
    {
        using var ann = BearerClient(Token("42", "Ann"));
        using var bob = BearerClient(Token("43", "Bob"));
        await using var own = await EventStreamReader.OpenAsync(ann, "event-stream?channels=user-42");
        await using var bobStream = await EventStreamReader.OpenAsync(bob, "event-stream?channels=home");

        using var subscribe = await bob.GetAsync("event-stream?channels=home,user-42", HttpCompletionOption.ResponseHeadersRead);
        using var post = await bob.PostAsJsonAsync("channels/user-42/chat", new { from = bobStream.SubscriptionId, message = "let me in" });
        using var raw = await bob.PostAsJsonAsync("channels/user-42/raw", new { from = bobStream.SubscriptionId, selector = "cmd.announce", message = "x" });
        using var ownPost = await ann.PostAsJsonAsync("channels/user-42/chat", new { from = own.SubscriptionId, message = "note to self" });

        Assert.Equal(HttpStatusCode.Forbidden, subscribe.StatusCode);
        Assert.Equal("You may not subscribe to channel 'user-42'.", await MessageAsync(subscribe));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal("You may not publish to channel 'user-42'.", await MessageAsync(post));
        Assert.Equal(HttpStatusCode.Forbidden, raw.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownPost.StatusCode);
        Assert.Equal("note to self", (await own.WaitForAsync("user-42@cmd.chat")).Json.GetProperty("message").GetString());
        Assert.DoesNotContain(own.Received, f => f.Selector == "cmd.announce" || f.Body.Contains("let me in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cookie_sign_in_still_works_beside_bearer_tokens()
    {
        using var browser = _server.CreateClient();
        var userId = (await ChatServiceTests.SignInAsync(browser, "carol")).GetProperty("userId").GetString();

        await using var stream = await EventStreamReader.OpenAsync(browser, "event-stream?channels=home");

        Assert.Equal(userId, stream.Connect["userId"]);
        Assert.Equal("carol", stream.Connect["displayName"]);
    }

    private HttpClient BearerClient(string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = _server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Token(string? subject, string name, DateTime? expires = null, string audience = Audience, string issuer = Issuer, byte[]? key = null)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expiry.AddMinutes(-20),
            NotBefore = expiry.AddMinutes(-20),
            Expires = expiry,
            Claims = subject is null
                ? new Dictionary<string, object> { ["name"] = name.ToLowerInvariant() }
                : new Dictionary<string, object> { ["sub"] = subject, ["name"] = name.ToLowerInvariant(), ["display_name"] = name },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256),
        });
    }

    private static async Task<string> MessageAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("responseStatus").GetProperty("message").GetString()!;
}
