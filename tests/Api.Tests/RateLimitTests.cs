using System.Net;
using System.Net.Http.Json;

namespace ServerEvents.Api.Tests;

/// <summary>
/// Limits that a client cannot multiply by minting sessions or guest names: posts per user and per address,
/// sign-in attempts and new sessions per address, and forwarded addresses believed only from configured proxies.
/// </summary>
public sealed class RateLimitTests
{
    private static readonly Dictionary<string, string?> ManySessions = new() { ["RateLimits:NewSessionsPerAddress:PermitLimit"] = "1000" };

    [Fact]
    public async Task Sixty_posts_from_sixty_fresh_sessions_from_one_address_hit_429()
    {
        // The default 40 posts per address, in a window long enough that a slow run cannot straddle two.
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(ManySessions) { ["RateLimits:PostsPerAddress:Window"] = "00:05:00" });

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 60; i++)
        {
            using var client = server.CreateClient();
            await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
            statuses.Add(await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = $"m{i}" }));
        }

        var limited = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.Equal(40, statuses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.InRange(limited[0].Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 300);
        Assert.Contains("Too many messages", await ChatServiceTests.ErrorMessageAsync(limited[0]), StringComparison.Ordinal);
        statuses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Signed_in_guests_share_their_address_budget_too()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>(ManySessions)
        {
            ["RateLimits:PostsPerAddress:PermitLimit"] = "3",
            ["RateLimits:PostsPerAddress:Window"] = "00:01:00",
        });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var client = server.CreateClient();
            await ChatServiceTests.SignInAsync(client, $"guest{i}_");
            await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
            using var response = await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "hi" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_sign_in_flood_from_one_address_is_429()
    {
        await using var server = await ChatServer.StartAsync(ManySessions);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 12; i++)
        {
            using var client = server.CreateClient();
            var response = await client.PostAsJsonAsync("auth/signin", new { displayName = $"flood{i}", password = "guess" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= response;
            }
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.NotNull(limited);
        Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Contains("Too many sign-in attempts", await ChatServiceTests.ErrorMessageAsync(limited), StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_sessions_per_address_are_limited_and_the_requests_are_still_served()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimits:NewSessionsPerAddress:PermitLimit"] = "3",
            ["RateLimits:NewSessionsPerAddress:Window"] = "00:01:00",
        });
        using var cookieless = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = server.BaseAddress };

        var issued = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await cookieless.GetAsync("auth/me");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            issued.Add(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("ss-id=", StringComparison.Ordinal)));
        }

        using var health = await cookieless.GetAsync("health");

        Assert.Equal([true, true, true, false, false], issued);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.False(health.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Forwarded_addresses_count_only_from_configured_proxies()
    {
        var settings = new Dictionary<string, string?>(ManySessions)
        {
            ["RateLimits:PostsPerAddress:PermitLimit"] = "2",
            ["RateLimits:PostsPerAddress:Window"] = "00:01:00",
        };
        await using var direct = await ChatServer.StartAsync(settings);
        await using var behindProxy = await ChatServer.StartAsync(new Dictionary<string, string?>(settings) { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });

        // Each post claims another client address; only the server that trusts loopback as its proxy believes it.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostFromAddressesAsync(direct, 3)).Last());
        Assert.All(await PostFromAddressesAsync(behindProxy, 3), s => Assert.Equal(HttpStatusCode.OK, s));
    }

    private static async Task<List<HttpStatusCode>> PostFromAddressesAsync(ChatServer server, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var client = server.CreateClient();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
            using var response = await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "hi" });
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}
