using System.Net.Http.Json;
using System.Text.Json;

namespace ServerEvents.Api.Tests;

/// <summary>
/// An anonymous identity belongs to the browser session (the <c>ss-id</c> cookie): every tab and reconnect of one
/// session is one user, and private messages follow that user across reconnects.
/// </summary>
public sealed class AnonymousIdentityTests
{
    [Fact]
    public async Task Two_tabs_of_one_session_are_one_user_and_a_private_message_reaches_both_and_is_replayed_after_a_reconnect()
    {
        await using var server = await ChatServer.StartAsync();
        using var browser = server.CreateClient();
        using var other = server.CreateClient();
        await using var firstTab = await EventStreamReader.OpenAsync(browser, "event-stream?channels=home");
        var secondTab = await EventStreamReader.OpenAsync(browser, "event-stream?channels=home");
        await using var otherStream = await EventStreamReader.OpenAsync(other, "event-stream?channels=home");
        var userId = firstTab.Connect["userId"];

        Assert.Equal(userId, secondTab.Connect["userId"]);
        Assert.Equal(firstTab.Connect["displayName"], secondTab.Connect["displayName"]);
        Assert.NotEqual(firstTab.SubscriptionId, secondTab.SubscriptionId);
        Assert.NotEqual(userId, otherStream.Connect["userId"]);
        Assert.NotEqual(firstTab.Connect["displayName"], otherStream.Connect["displayName"]);
        var subscribers = await other.GetFromJsonAsync<JsonElement[]>("event-subscribers?channels=home") ?? [];
        Assert.Equal(2, subscribers.Select(s => s.GetProperty("userId").GetString()).Distinct().Count());
        Assert.Equal(2, subscribers.Count(s => s.GetProperty("userId").GetString() == userId));

        (await other.PostAsJsonAsync("channels/home/chat", new { from = otherStream.SubscriptionId, message = "to both tabs", toUserId = userId })).EnsureSuccessStatusCode();
        foreach (var tab in new[] { firstTab, secondTab })
        {
            Assert.Equal("to both tabs", (await tab.WaitForAsync("cmd.chat")).Json.GetProperty("message").GetString());
        }

        // The second tab drops; a private message sent meanwhile is replayed when it comes back as the same user.
        var lastSeen = secondTab.Received[^1].Id;
        await secondTab.DisposeAsync();
        (await other.PostAsJsonAsync("channels/home/chat", new { from = otherStream.SubscriptionId, message = "while away", toUserId = userId })).EnsureSuccessStatusCode();
        await firstTab.WaitForAsync(f => f.Selector == "cmd.chat" && f.Body.Contains("while away", StringComparison.Ordinal));
        await using var reconnected = await EventStreamReader.OpenAsync(browser, "event-stream?channels=home", lastSeen);

        Assert.Equal(userId, reconnected.Connect["userId"]);
        Assert.Equal(firstTab.Connect["displayName"], reconnected.Connect["displayName"]);
        await reconnected.WaitForAsync(f => f.Selector == "cmd.chat" && f.Body.Contains("while away", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_per_subscription_mode_numbers_every_stream_as_ServiceStack_does()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["ServerEvents:Identity:AnonymousIdentity"] = "Subscription" });
        using var browser = server.CreateClient();
        await using var firstTab = await EventStreamReader.OpenAsync(browser, "event-stream?channels=home");
        await using var secondTab = await EventStreamReader.OpenAsync(browser, "event-stream?channels=home");

        Assert.Matches("^-\\d+$", firstTab.Connect["userId"]);
        Assert.NotEqual(firstTab.Connect["userId"], secondTab.Connect["userId"]);
        Assert.NotEqual(firstTab.Connect["displayName"], secondTab.Connect["displayName"]);
    }
}
