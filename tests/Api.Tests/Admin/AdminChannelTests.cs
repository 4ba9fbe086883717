using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServerEvents.Api.Tests.Admin;

/// <summary>
/// The admin page and the admin channel over HTTP: refused to anonymous callers and guests wherever a channel can be
/// named, and carrying each node's snapshot to administrators.
/// </summary>
public sealed class AdminChannelTests
{
    private const string Channel = "admin:dashboard";
    private const string Refusal = "You may not subscribe to channel 'admin:dashboard'.";

    [Fact]
    public async Task Anonymous_callers_and_guests_are_refused_the_page_and_the_admin_channel()
    {
        await using var server = await ChatServer.StartAsync();
        using var anonymous = server.CreateClient();
        using var guest = server.CreateClient();
        using (var signIn = await guest.PostAsJsonAsync("auth/signin", new { displayName = "ada" }))
        {
            signIn.EnsureSuccessStatusCode();
        }

        foreach (var client in new[] { anonymous, guest })
        {
            using var json = await client.GetAsync("admin");
            Assert.Equal(HttpStatusCode.Forbidden, json.StatusCode);
            Assert.Contains("for administrators", await MessageAsync(json), StringComparison.Ordinal);

            using var page = new HttpRequestMessage(HttpMethod.Get, "admin");
            page.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
            using var html = await client.SendAsync(page);
            Assert.Equal(HttpStatusCode.Forbidden, html.StatusCode);
            var text = await html.Content.ReadAsStringAsync();
            Assert.Contains("Administrators only", text, StringComparison.Ordinal);
            Assert.DoesNotContain("admin.js", text, StringComparison.Ordinal);

            // However the channel is named: alone, among others, by the other parameter, past a trailing slash.
            foreach (var path in new[]
            {
                "event-stream?channels=admin:dashboard",
                "event-stream?channels=home,%20admin:dashboard",
                "event-stream?channel=admin:dashboard",
                "EVENT-STREAM/?channels=admin:dashboard",
                "event-subscribers?channels=admin:dashboard",
                "api/GetEventSubscribers?channels=admin:dashboard",
            })
            {
                using var refused = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                Assert.Equal(Refusal, await MessageAsync(refused));
            }
        }

        Assert.Empty(await server.ServerEvents.GetSubscriptionsDetailsAsync([Channel]));
    }

    [Fact]
    public async Task A_non_administrator_cannot_join_the_admin_channel_by_updating_a_subscription()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        var id = stream.SubscriptionId;

        using (var form = await client.PostAsync($"event-subscribers/{id}", new FormUrlEncodedContent([new("subscribeChannels", "work,admin:dashboard")])))
        {
            Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
            Assert.Equal(Refusal, await MessageAsync(form));
        }

        using (var json = await client.PostAsJsonAsync("api/UpdateEventSubscriber", new { id, subscribeChannels = new[] { Channel } }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, json.StatusCode);
        }

        using (var jsonReply = await client.PostAsJsonAsync("json/reply/UpdateEventSubscriber", new { id, SubscribeChannels = "admin:dashboard" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, jsonReply.StatusCode);
        }

        // The guard reads the body and puts it back: an update that does not name the channel still works.
        using (var allowed = await client.PostAsJsonAsync($"event-subscribers/{id}", new { subscribeChannels = new[] { "work" } }))
        {
            allowed.EnsureSuccessStatusCode();
        }

        using (var malformed = await client.PostAsync($"event-subscribers/{id}", new StringContent("{not json", null, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        var info = await server.ServerEvents.GetSubscriptionInfoAsync(id);
        Assert.Equal<string>(["home", "work"], [.. info!.Channels.Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public async Task An_administrator_gets_the_page_and_each_second_a_snapshot_of_the_node()
    {
        await using var github = await StandInGitHub.StartAsync(id: 7, login: "alice", name: "alice");
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "github:7" }));
        using var admin = server.CreateClient();
        admin.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using (var page = await admin.GetAsync("auth/github?returnUrl=%2Fadmin"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("/admin", page.RequestMessage!.RequestUri!.AbsolutePath);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("data-channel=\"admin:dashboard\"", html, StringComparison.Ordinal);
            Assert.Contains("/admin/admin.js", html, StringComparison.Ordinal);
        }

        using var user = server.CreateClient();
        await using var member = await EventStreamReader.OpenAsync(user, "event-stream?channels=home,work");

        // Instruments are read by name, so one the meter gains later reaches the page unchanged.
        var meter = server.Services.GetRequiredService<IMeterFactory>().Create("ServerEvents");
        meter.CreateHistogram<double>("serverevents.test.added_later", "ms").Record(12.5);
        server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AdminTest").LogWarning("Something odd {Number}", 42);

        await using var dashboard = await EventStreamReader.OpenAsync(admin, "event-stream?channels=admin:dashboard");
        var frame = await dashboard.WaitForAsync("admin:dashboard@cmd.adminSnapshot");
        var root = frame.Json;
        Assert.Equal("Embedded", root.GetProperty("tier").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("node").GetString()));
        Assert.Equal(2, root.GetProperty("statistics").GetProperty("openConnections").GetInt64());
        Assert.Equal("Healthy", root.GetProperty("health").GetProperty("status").GetString());
        var channels = root.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("members").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["admin:dashboard"] = 1, ["home"] = 1, ["work"] = 1 }, channels);
        var lag = root.GetProperty("metrics").GetProperty("histograms").GetProperty("serverevents.test.added_later");
        Assert.Equal(1, lag.GetProperty("count").GetInt64());
        Assert.Equal(12.5, lag.GetProperty("sum").GetDouble());
        Assert.Equal("ms", lag.GetProperty("unit").GetString());
        Assert.True(root.GetProperty("metrics").GetProperty("values").TryGetProperty("serverevents.events.published", out _));
        Assert.Contains(root.GetProperty("errors").EnumerateArray(), e =>
            e.GetProperty("message").GetString() == "Something odd 42" && e.GetProperty("level").GetString() == "Warning");
    }

    private static async Task<string?> MessageAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("responseStatus").GetProperty("message").GetString();
}
