namespace ServerEvents.Tests;

/// <summary>Join, leave and update notices: who receives them, with what, and how often.</summary>
public sealed class PresenceTests
{
    [Fact]
    public async Task A_channel_hears_a_new_subscriber_join_and_the_subscriber_hears_its_own_join_once_per_channel()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        await watcher.WaitForAsync("home@cmd.onJoin");

        await using var joiner = await EventStreamReader.OpenAsync(client, "event-stream?channels=home,work");
        var seen = await watcher.WaitForAsync("home@cmd.onJoin");
        Assert.Equal(joiner.Connect["userId"], seen.Info["userId"]);
        Assert.Equal(joiner.Connect["displayName"], seen.Info["displayName"]);
        Assert.Equal("home,work", seen.Info["channels"]);
        Assert.Equal("false", seen.Info["isAuthenticated"]);
        Assert.False(seen.Info.ContainsKey("id"), "the subscription id is private to its owner");

        await server.ServerEvents.NotifyAllAsync("cmd.sentinel", null);
        await joiner.WaitForAsync(f => f.Selector == "cmd.sentinel");
        var ownJoins = joiner.Received.Where(f => f.Selector == "cmd.onJoin").Select(f => f.Channel).ToList();
        Assert.Equal(["home", "work"], ownJoins);
        Assert.DoesNotContain(watcher.Received, f => f.Channel == "work");
    }

    [Fact]
    public async Task Unregistering_sends_leave_notices_to_each_channel_but_not_to_the_leaver()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=home,work");
        await using var leaver = await EventStreamReader.OpenAsync(client, "event-stream?channels=home,work");

        using var response = await client.GetAsync("event-unregister?id=" + leaver.SubscriptionId);
        response.EnsureSuccessStatusCode();

        var homeLeave = await watcher.WaitForAsync("home@cmd.onLeave");
        var workLeave = await watcher.WaitForAsync("work@cmd.onLeave");
        Assert.Equal(leaver.Connect["userId"], homeLeave.Info["userId"]);
        Assert.Equal(leaver.Connect["userId"], workLeave.Info["userId"]);
        await leaver.WaitForEndAsync();
        Assert.DoesNotContain(leaver.Received, f => f.Selector == "cmd.onLeave");
    }

    [Fact]
    public async Task Dropping_the_connection_sends_leave_notices()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        var leaver = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        var leaverUserId = leaver.Connect["userId"];

        await leaver.DisposeAsync();

        var leave = await watcher.WaitForAsync("home@cmd.onLeave");
        Assert.Equal(leaverUserId, leave.Info["userId"]);
        Assert.Null(await server.ServerEvents.GetSubscriptionInfoAsync(leaver.SubscriptionId));
    }

    [Fact]
    public async Task Changing_channels_sends_updates_to_the_union_of_old_and_new_channels()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var homeWatcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        await using var workWatcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=work");
        await using var mover = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var response = await client.PostAsync(
            "event-subscribers/" + mover.SubscriptionId,
            new FormUrlEncodedContent([new("unsubscribeChannels", "home"), new("subscribeChannels", "work")]));
        response.EnsureSuccessStatusCode();

        Assert.Equal("work", (await homeWatcher.WaitForAsync("home@cmd.onUpdate")).Info["channels"]);
        Assert.Equal("work", (await workWatcher.WaitForAsync("work@cmd.onUpdate")).Info["channels"]);
        await mover.WaitForAsync("work@cmd.onUpdate");

        await server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "to home");
        await server.ServerEvents.NotifyChannelAsync("work", "cmd.chat", "to work");
        var delivered = await mover.WaitForAsync(f => f.Selector == "cmd.chat");
        Assert.Equal("work", delivered.Channel);
    }

    [Fact]
    public async Task Notices_can_be_switched_off()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.NotifyChannelOfSubscriptions = false);
        using var client = server.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        var other = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        using (var update = await client.PostAsync("event-subscribers/" + other.SubscriptionId, new FormUrlEncodedContent([new("subscribeChannels", "work")])))
        {
            update.EnsureSuccessStatusCode();
        }

        await other.DisposeAsync();
        await WaitUntilAsync(async () => await server.ServerEvents.GetSubscriptionInfoAsync(other.SubscriptionId) is null);
        await server.ServerEvents.NotifyChannelAsync("home", "cmd.sentinel", null);

        await watcher.WaitForAsync("home@cmd.sentinel");
        Assert.DoesNotContain(watcher.Received, f => f.Selector is "cmd.onJoin" or "cmd.onLeave" or "cmd.onUpdate");
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + EventStreamReader.DefaultTimeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(20);
        }
    }
}
