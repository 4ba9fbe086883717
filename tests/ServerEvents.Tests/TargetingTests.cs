namespace ServerEvents.Tests;

/// <summary>NotifyAll, NotifyChannel, NotifySubscription, NotifyUserId, NotifyUserName and NotifySession, with channel filters.</summary>
public sealed class TargetingTests
{
    private static readonly TestUser Ada = new("1", "ada", "Ada");
    private static readonly TestUser Bob = new("2", "bob", "Bob");

    [Fact]
    public async Task NotifyUserId_reaches_every_subscription_of_that_user_and_nobody_else()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var ada = server.CreateClient(Ada);
        using var bob = server.CreateClient(Bob);
        await using var adaHome = await EventStreamReader.OpenAsync(ada, "event-stream?channels=home");
        await using var adaWork = await EventStreamReader.OpenAsync(ada, "event-stream?channels=work");
        await using var bobHome = await EventStreamReader.OpenAsync(bob, "event-stream?channels=home");

        await server.ServerEvents.NotifyUserIdAsync("1", "cmd.private", "for ada");
        await server.ServerEvents.NotifyAllAsync("cmd.sentinel", null);

        foreach (var stream in new[] { adaHome, adaWork })
        {
            var frame = await stream.WaitForAsync(f => f.Selector == "cmd.private");
            Assert.Null(frame.Channel);
            Assert.Equal("\"for ada\"", frame.Body);
        }

        await bobHome.WaitForAsync(f => f.Selector == "cmd.sentinel");
        Assert.DoesNotContain(bobHome.Received, f => f.Selector == "cmd.private");
    }

    [Fact]
    public async Task The_channel_filter_limits_targeted_messages_to_subscriptions_in_that_channel()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var ada = server.CreateClient(Ada);
        await using var adaHome = await EventStreamReader.OpenAsync(ada, "event-stream?channels=home");
        await using var adaWork = await EventStreamReader.OpenAsync(ada, "event-stream?channels=work");

        await server.ServerEvents.NotifyUserIdAsync("1", "cmd.filtered", "work only", channel: "work");
        await server.ServerEvents.NotifyUserNameAsync("ada", "cmd.byName", "home only", channel: "home");
        await server.ServerEvents.NotifyAllAsync("cmd.sentinel", null);

        await adaWork.WaitForAsync(f => f.Selector == "cmd.filtered");
        await adaHome.WaitForAsync(f => f.Selector == "cmd.byName");
        await adaHome.WaitForAsync(f => f.Selector == "cmd.sentinel");
        await adaWork.WaitForAsync(f => f.Selector == "cmd.sentinel");
        Assert.DoesNotContain(adaHome.Received, f => f.Selector == "cmd.filtered");
        Assert.DoesNotContain(adaWork.Received, f => f.Selector == "cmd.byName");
    }

    [Fact]
    public async Task NotifyUserName_and_NotifySession_reach_their_subscriptions()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var bob = server.CreateClient(Bob);
        using var anonymousWithSession = server.CreateClient(sessionId: "session-7");
        using var anonymous = server.CreateClient();
        await using var bobStream = await EventStreamReader.OpenAsync(bob);
        await using var sessionStream = await EventStreamReader.OpenAsync(anonymousWithSession);
        await using var otherStream = await EventStreamReader.OpenAsync(anonymous);

        await server.ServerEvents.NotifyUserNameAsync("bob", "cmd.hi", "bob");
        await server.ServerEvents.NotifySessionAsync("session-7", "cmd.hi", "session");
        await server.ServerEvents.NotifyAllAsync("cmd.sentinel", null);

        Assert.Equal("\"bob\"", (await bobStream.WaitForAsync(f => f.Selector == "cmd.hi")).Body);
        Assert.Equal("\"session\"", (await sessionStream.WaitForAsync(f => f.Selector == "cmd.hi")).Body);
        await otherStream.WaitForAsync(f => f.Selector == "cmd.sentinel");
        Assert.DoesNotContain(otherStream.Received, f => f.Selector == "cmd.hi");
        Assert.Single(bobStream.Received, f => f.Selector == "cmd.hi");
    }

    [Fact]
    public async Task NotifySubscription_reaches_one_connection_and_typed_overloads_use_the_type_name()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var target = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        await using var bystander = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        await server.ServerEvents.NotifySubscriptionAsync(target.SubscriptionId, new ChatMessage("hi", 3));
        await server.ServerEvents.NotifyChannelAsync("home", new ChatMessage("all", 4));

        var direct = await target.WaitForAsync("cmd.ChatMessage");
        Assert.Equal("{\"text\":\"hi\",\"count\":3}", direct.Body);
        await bystander.WaitForAsync("home@cmd.ChatMessage");
        Assert.DoesNotContain(bystander.Received, f => f.FullSelector == "cmd.ChatMessage");
    }

    [Fact]
    public async Task Lookups_see_every_subscription_of_a_user_and_of_channels()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var ada = server.CreateClient(Ada);
        using var bob = server.CreateClient(Bob);
        await using var a1 = await EventStreamReader.OpenAsync(ada, "event-stream?channels=home");
        await using var a2 = await EventStreamReader.OpenAsync(ada, "event-stream?channels=work");
        await using var b1 = await EventStreamReader.OpenAsync(bob, "event-stream?channels=home,work");

        var adas = await server.ServerEvents.GetSubscriptionInfosByUserIdAsync("1");
        Assert.Equal(new[] { a1.SubscriptionId, a2.SubscriptionId }.Order(), adas.Select(s => s.Id).Order());
        var inWork = await server.ServerEvents.GetSubscriptionsDetailsAsync(["work"]);
        Assert.Equal(new[] { a2.SubscriptionId, b1.SubscriptionId }.Order(), inWork.Select(s => s.Id).Order());
        Assert.Equal(3, (await server.ServerEvents.GetSubscriptionsDetailsAsync()).Count);
        Assert.Equal(3, server.ServerEvents.GetStatistics().OpenConnections);
    }

    [Fact]
    public async Task Named_sequences_count_up_one_at_a_time_per_name()
    {
        await using var server = await LoopbackServer.StartAsync();
        var first = await server.ServerEvents.GetNextSequenceAsync("orders");
        var invoice = await server.ServerEvents.GetNextSequenceAsync("invoices");

        Assert.Equal(first + 1, await server.ServerEvents.GetNextSequenceAsync("orders"));
        Assert.Equal(invoice + 1, await server.ServerEvents.GetNextSequenceAsync("invoices"));
    }

    private sealed record ChatMessage(string Text, int Count);
}
