using System.Net;

namespace ServerEvents.Client.Tests;

/// <summary>Heartbeats are sent at the announced interval, and every way a connection goes stale leads to a fresh one.</summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task Heartbeats_are_sent_at_the_announced_interval_and_keep_the_subscription_alive_past_the_idle_timeout()
    {
        // Twenty heartbeats per idle period: the client's silence check (which uses the same announced timeout) must
        // survive a loaded 2-core CI machine stalling the test process, which an 800 ms timeout once did not.
        var idleTimeout = TimeSpan.FromSeconds(2);
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
            o.IdleTimeout = idleTimeout;
        });
        await using var client = ClientFactory.Create(server, "home");
        var pulses = new Recorder<DateTimeOffset>();
        var reconnects = new Recorder<ServerEventReconnect>();
        client.OnHeartbeat += (sender, notice) => pulses.Add(((ServerEventsClient)sender!).LastPulseAt!.Value);
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        var connect = await client.StartAsync();
        Assert.Null(client.LastPulseAt);
        Assert.Equal(100, connect.HeartbeatIntervalMs);

        // The server only pushes cmd.onHeartbeat in reply to a heartbeat POST, so each pulse proves one was sent.
        var first = await pulses.NextAsync();
        DateTimeOffset last;
        do
        {
            last = await pulses.NextAsync();
        }
        while (last - first < idleTimeout * 1.5);

        Assert.True(pulses.All.Zip(pulses.All.Skip(1)).All(pair => pair.Second > pair.First), "LastPulseAt must advance with each heartbeat.");
        Assert.Empty(reconnects.All);
        Assert.Equal(connect.Id, client.SubscriptionId);
        Assert.NotNull(await server.ServerEvents.GetSubscriptionInfoAsync(connect.Id));
    }

    [Fact]
    public async Task A_heartbeat_answered_404_reconnects_as_a_new_subscription_that_still_gets_channel_messages()
    {
        var streams = 0;
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
            o.IdleTimeout = TimeSpan.FromSeconds(30);

            // The first stream is healthy but is told a heartbeat URL the server does not know: exactly what a
            // client sees when the server forgot its subscription while the stream stayed open.
            o.Hooks.OnConnect = (_, args) =>
            {
                if (Interlocked.Increment(ref streams) == 1)
                {
                    args["heartbeatUrl"] = args["heartbeatUrl"].Split("?id=")[0] + "?id=forgotten";
                }

                return Task.CompletedTask;
            };
        });
        await using var client = ClientFactory.Create(server, "home");
        var connects = new Recorder<ServerEventConnect>();
        var reconnects = new Recorder<ServerEventReconnect>();
        var messages = new Recorder<ServerEventMessage>();
        client.OnConnect += (_, connect) => connects.Add(connect);
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        client.OnMessage += (_, message) => messages.Add(message);
        var first = await client.StartAsync();

        var reconnect = await reconnects.NextAsync();
        Assert.Equal(ReconnectReason.HeartbeatFailed, reconnect.Reason);
        Assert.Equal(HttpStatusCode.NotFound, Assert.IsType<HttpRequestException>(reconnect.Error).StatusCode);
        var second = await connects.WaitForAsync(c => c.Id != first.Id);

        await server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "still here");
        Assert.Equal("\"still here\"", (await messages.WaitForAsync(m => m.Target == "chat")).Json);
        Assert.Equal(second.Id, client.SubscriptionId);
    }

    [Fact]
    public async Task After_the_server_resets_the_client_comes_back_as_a_new_subscription_in_the_same_channels()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        await using var client = ClientFactory.Create(server, "home");
        var connects = new Recorder<ServerEventConnect>();
        var messages = new Recorder<ServerEventMessage>();
        client.OnConnect += (_, connect) => connects.Add(connect);
        client.OnMessage += (_, message) => messages.Add(message);
        var first = await client.StartAsync();
        await client.SubscribeToChannelsAsync("added");

        await server.ServerEvents.ResetAsync();

        var second = await connects.WaitForAsync(c => c.Id != first.Id);
        Assert.Equal(["home", "added"], second.Channels);
        await server.ServerEvents.NotifyChannelAsync("added", "cmd.chat", "after reset");
        Assert.Equal("added", (await messages.WaitForAsync(m => m.Target == "chat")).Channel);
        Assert.Equal(["home", "added"], (await server.ServerEvents.GetSubscriptionInfoAsync(second.Id))!.Channels);
    }

    [Fact]
    public async Task The_back_off_starts_again_from_the_first_attempt_after_each_successful_reconnect()
    {
        await using var server = await LoopbackServer.StartAsync();
        await using var client = ClientFactory.Create(server, "home");
        var connects = new Recorder<ServerEventConnect>();
        var reconnects = new Recorder<ServerEventReconnect>();
        client.OnConnect += (_, connect) => connects.Add(connect);
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        var previous = await client.StartAsync();

        for (var outage = 0; outage < 3; outage++)
        {
            await server.ServerEvents.ResetAsync();
            var id = previous.Id;
            previous = await connects.WaitForAsync(c => c.Id != id);
        }

        Assert.Equal([1, 1, 1], reconnects.All.Select(r => r.Attempt));
    }

    [Fact]
    public async Task Silence_longer_than_the_idle_timeout_reconnects()
    {
        var streams = 0;
        await using var server = await LoopbackServer.StartAsync(o => o.Hooks.OnConnect = (_, args) =>
        {
            // The first stream announces a short idle timeout and no heartbeats, so nothing will arrive in time.
            if (Interlocked.Increment(ref streams) == 1)
            {
                args["idleTimeoutMs"] = "300";
                args["heartbeatIntervalMs"] = "600000";
            }

            return Task.CompletedTask;
        });
        await using var client = ClientFactory.Create(server, "home");
        var connects = new Recorder<ServerEventConnect>();
        var reconnects = new Recorder<ServerEventReconnect>();
        client.OnConnect += (_, connect) => connects.Add(connect);
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        var first = await client.StartAsync();

        var reconnect = await reconnects.NextAsync();
        Assert.Equal(ReconnectReason.IdleTimeout, reconnect.Reason);
        Assert.IsType<TimeoutException>(reconnect.Error);
        await connects.WaitForAsync(c => c.Id != first.Id);
    }
}
