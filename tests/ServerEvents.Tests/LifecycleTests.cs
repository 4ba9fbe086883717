using Microsoft.AspNetCore.Http;
using System.Collections.Concurrent;
using System.Net;

namespace ServerEvents.Tests;

/// <summary>Expiry without further requests, sign-in requirements, hook order, and reset.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task A_subscription_that_stops_heartbeating_expires_on_its_own_and_its_channel_hears_it_leave()
    {
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            // The watcher heartbeats (as every test reader does) every 200 ms; a 3 s timeout leaves it room on a loaded machine.
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.IdleTimeout = TimeSpan.FromSeconds(3);
        });
        using var client = server.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=room");
        await using var silent = await EventStreamReader.OpenAsync(client, "event-stream?channels=room", heartbeat: false);

        var leave = await watcher.WaitForAsync("room@cmd.onLeave");

        Assert.Equal(silent.Connect["userId"], leave.Info["userId"]);
        await silent.WaitForEndAsync();
        var remaining = await server.ServerEvents.GetSubscriptionsDetailsAsync(["room"]);
        Assert.Equal(watcher.SubscriptionId, Assert.Single(remaining).Id);
    }

    [Fact]
    public async Task Limiting_to_signed_in_users_answers_401_to_anonymous_callers()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.LimitToAuthenticatedUsers = true);
        using var anonymous = server.CreateClient();
        using var signedIn = server.CreateClient(new TestUser("7", "eve", "Eve"));

        await using var refused = await EventStreamReader.StartAsync(anonymous);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Response.StatusCode);
        Assert.Contains("Sign in", await EndpointTests.ErrorMessageAsync(refused.Response), StringComparison.Ordinal);

        await using var accepted = await EventStreamReader.OpenAsync(signedIn);
        Assert.Equal("7", accepted.Connect["userId"]);
    }

    [Fact]
    public async Task Hooks_run_in_life_cycle_order_and_can_add_meta_and_edit_connect_arguments()
    {
        var calls = new ConcurrentQueue<string>();
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.Hooks.OnInit = ctx =>
            {
                calls.Enqueue("init");
                ctx.HttpContext.Response.Headers["X-Hooked"] = "yes";
                return Task.CompletedTask;
            };
            o.Hooks.OnCreated = ctx =>
            {
                calls.Enqueue("created");
                ctx.Meta["team"] = "blue";
                return Task.CompletedTask;
            };
            o.Hooks.OnConnect = (_, args) =>
            {
                calls.Enqueue("connect");
                args["greeting"] = "hello";
                return Task.CompletedTask;
            };
            o.Hooks.OnSubscribe = _ => Enqueue(calls, "subscribe");
            o.Hooks.OnHeartbeat = _ => Enqueue(calls, "heartbeat");
            o.Hooks.OnUpdate = _ => Enqueue(calls, "update");
            o.Hooks.OnUnsubscribe = _ => Enqueue(calls, "unsubscribe");
        });
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        Assert.Equal("yes", Assert.Single(stream.Response.Headers.GetValues("X-Hooked")));
        Assert.Equal("hello", stream.Connect["greeting"]);
        Assert.Equal("blue", stream.Connect["team"]);
        Assert.Equal("blue", (await stream.WaitForAsync("home@cmd.onJoin")).Info["team"]);

        (await client.PostAsync(stream.Connect["heartbeatUrl"], null)).EnsureSuccessStatusCode();
        (await client.PostAsync(stream.Connect["updateSubscriberUrl"], new FormUrlEncodedContent([new("subscribeChannels", "work")]))).EnsureSuccessStatusCode();
        (await client.PostAsync(stream.Connect["unRegisterUrl"], null)).EnsureSuccessStatusCode();

        Assert.Equal(["init", "created", "connect", "subscribe", "heartbeat", "update", "unsubscribe"], calls.ToArray());
    }

    [Fact]
    public async Task OnInit_can_reject_a_stream()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.Hooks.OnInit = ctx =>
        {
            ctx.Reject(StatusCodes.Status403Forbidden, "No streams today.");
            return Task.CompletedTask;
        });
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.StartAsync(client);
        Assert.Equal(HttpStatusCode.Forbidden, stream.Response.StatusCode);
        Assert.Equal("No streams today.", await EndpointTests.ErrorMessageAsync(stream.Response));
        Assert.Empty(await server.ServerEvents.GetSubscriptionsDetailsAsync());
    }

    [Fact]
    public async Task Reset_closes_every_stream_and_later_heartbeats_are_404()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client);

        await server.ServerEvents.ResetAsync();

        await stream.WaitForEndAsync();
        using var heartbeat = await client.PostAsync(stream.Connect["heartbeatUrl"], null);
        Assert.Equal(HttpStatusCode.NotFound, heartbeat.StatusCode);
        Assert.Equal(0, server.ServerEvents.GetStatistics().OpenConnections);
    }

    private static Task Enqueue(ConcurrentQueue<string> calls, string name)
    {
        calls.Enqueue(name);
        return Task.CompletedTask;
    }
}
