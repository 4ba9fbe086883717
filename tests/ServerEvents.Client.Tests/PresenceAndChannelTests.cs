namespace ServerEvents.Client.Tests;

/// <summary>Join, leave and update notices, the subscriber list, and channel changes at run time.</summary>
public sealed class PresenceAndChannelTests : IAsyncLifetime
{
    private static readonly TestUser Ann = new("u-ann", "ann", "Ann A.");
    private static readonly TestUser Bob = new("u-bob", "bob", "Bob B.");

    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_second_client_joining_updating_and_leaving_raises_OnJoin_OnUpdate_and_OnLeave()
    {
        await using var ann = ClientFactory.Create(_server, ["home"], Ann);
        var joins = new Recorder<ServerEventPresence>();
        var updates = new Recorder<ServerEventPresence>();
        var leaves = new Recorder<ServerEventPresence>();
        ann.OnJoin += (_, notice) => joins.Add(notice);
        ann.OnUpdate += (_, notice) => updates.Add(notice);
        ann.OnLeave += (_, notice) => leaves.Add(notice);
        await ann.StartAsync();
        var ownJoin = await joins.NextAsync();
        Assert.Equal(("home", "u-ann"), (ownJoin.Channel, ownJoin.User.UserId));

        await using var bob = ClientFactory.Create(_server, ["home"], Bob);
        await bob.StartAsync();
        var join = await joins.WaitForAsync(n => n.User.UserId == "u-bob");
        Assert.Equal(("home", "Bob B.", true), (join.Channel, join.User.DisplayName, join.User.IsAuthenticated));
        Assert.Equal(["home"], join.User.Channels);
        Assert.NotNull(join.User.CreatedAt);

        await bob.SubscribeToChannelsAsync("news");
        var update = await updates.WaitForAsync(n => n.User.UserId == "u-bob");
        Assert.Equal("home", update.Channel);
        Assert.Equal(["home", "news"], update.User.Channels);

        await bob.StopAsync();
        var leave = await leaves.WaitForAsync(n => n.User.UserId == "u-bob");
        Assert.Equal("home", leave.Channel);
    }

    [Fact]
    public async Task GetChannelSubscribers_lists_everyone_in_the_clients_current_channels_with_their_meta()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.Hooks.OnCreated = created =>
        {
            created.Meta["team"] = "blue";
            return Task.CompletedTask;
        });
        await using var ann = ClientFactory.Create(server, ["home"], Ann);
        await using var bob = ClientFactory.Create(server, ["home", "news"], Bob);
        await using var outsider = ClientFactory.Create(server, "elsewhere");
        await ann.StartAsync();
        await bob.StartAsync();
        await outsider.StartAsync();

        var subscribers = await ann.GetChannelSubscribersAsync();

        Assert.Equal(["u-ann", "u-bob"], subscribers.Select(s => s.UserId).Order());
        var bobInfo = subscribers.Single(s => s.UserId == "u-bob");
        Assert.Equal(("Bob B.", "blue"), (bobInfo.DisplayName, bobInfo.Meta["team"]));
        Assert.Equal(["home", "news"], bobInfo.Channels);

        await ann.SubscribeToChannelsAsync("elsewhere");
        Assert.Equal(3, (await ann.GetChannelSubscribersAsync()).Count);
    }

    [Fact]
    public async Task A_channel_joined_at_run_time_delivers_its_messages()
    {
        await using var client = ClientFactory.Create(_server, "home");
        var messages = new Recorder<ServerEventMessage>();
        client.OnMessage += (_, message) => messages.Add(message);
        await client.StartAsync();

        await client.SubscribeToChannelsAsync("news", "sport");
        await _server.ServerEvents.NotifyChannelAsync("sport", "cmd.score", "1-0");

        var score = await messages.WaitForAsync(m => m.Target == "score");
        Assert.Equal("sport", score.Channel);
        Assert.Equal(["home", "news", "sport"], client.Channels);
        Assert.Equal(["home", "news", "sport"], (await _server.ServerEvents.GetSubscriptionInfoAsync(client.SubscriptionId!))!.Channels);
    }

    [Fact]
    public async Task A_channel_left_at_run_time_no_longer_delivers_its_messages()
    {
        await using var client = ClientFactory.Create(_server, "home", "news");
        var messages = new Recorder<ServerEventMessage>();
        client.OnMessage += (_, message) => messages.Add(message);
        await client.StartAsync();

        await client.UnsubscribeFromChannelsAsync("news");
        await _server.ServerEvents.NotifyChannelAsync("news", "cmd.headline", "missed");
        await _server.ServerEvents.NotifyChannelAsync("home", "cmd.sentinel", "after");

        // The stream is ordered, so had the headline been delivered it would be here before the sentinel.
        await messages.WaitForAsync(m => m.Target == "sentinel");
        Assert.DoesNotContain(messages.All, m => m.Target == "headline");
        Assert.Equal(["home"], client.Channels);
    }

    [Fact]
    public async Task A_refused_channel_change_throws_and_leaves_the_channel_list_alone()
    {
        await using var client = ClientFactory.Create(_server, "home");
        await client.StartAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SubscribeToChannelsAsync("bad@name"));

        Assert.Equal(["home"], client.Channels);
    }

    [Fact]
    public async Task Channel_changes_before_connecting_are_refused()
    {
        await using var client = ClientFactory.Create(_server, "home");

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.SubscribeToChannelsAsync("news"));
    }
}
