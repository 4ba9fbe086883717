using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ServerEvents.Client.Tests;

/// <summary>Starting, the onConnect arguments, stopping for good, and the DI registration.</summary>
public sealed class LifecycleTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync(o =>
    {
        o.HeartbeatInterval = TimeSpan.FromSeconds(7);
        o.IdleTimeout = TimeSpan.FromSeconds(21);
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StartAsync_returns_the_onConnect_arguments_of_a_signed_in_user()
    {
        await using var client = ClientFactory.Create(_server, ["home", "news"], new TestUser("u-ann", "ann", "Ann A."));
        var raised = new TaskCompletionSource<ServerEventConnect>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnConnect += (_, connect) => raised.TrySetResult(connect);

        var connect = await client.StartAsync();

        Assert.Same(connect, await raised.Task.WaitAsync(Recorder<int>.DefaultTimeout));
        Assert.Same(connect, client.Connection);
        Assert.Equal(("u-ann", "Ann A.", true), (connect.UserId, connect.DisplayName, connect.User.IsAuthenticated));
        Assert.Equal(["home", "news"], connect.Channels);
        Assert.Equal((7_000L, 21_000L), (connect.HeartbeatIntervalMs, connect.IdleTimeoutMs));
        Assert.Equal(new Uri(_server.BaseAddress, "event-heartbeat?id=" + connect.Id), connect.HeartbeatUrl);
        Assert.Equal(new Uri(_server.BaseAddress, "event-unregister?id=" + connect.Id), connect.UnRegisterUrl);
        Assert.Equal(new Uri(_server.BaseAddress, "event-subscribers/" + connect.Id), connect.UpdateSubscriberUrl);
        Assert.Equal(connect.Id, connect.Raw["id"]);
        Assert.NotNull(await _server.ServerEvents.GetSubscriptionInfoAsync(connect.Id));
        Assert.NotNull(client.LastEventId);
    }

    [Fact]
    public async Task Without_channels_the_server_default_channel_is_joined()
    {
        await using var client = ClientFactory.Create(_server);

        Assert.Equal(["*"], (await client.StartAsync()).Channels);
    }

    [Fact]
    public async Task StopAsync_unregisters_and_never_reconnects()
    {
        var client = ClientFactory.Create(_server, "home");
        var connects = new Recorder<ServerEventConnect>();
        var reconnects = new Recorder<ServerEventReconnect>();
        client.OnConnect += (_, connect) => connects.Add(connect);
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        var connect = await client.StartAsync();

        await client.StopAsync();

        Assert.Null(await _server.ServerEvents.GetSubscriptionInfoAsync(connect.Id));

        // Give a reconnect every chance to show up: a later client connects and round-trips a message first.
        await using var witness = ClientFactory.Create(_server, "home");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        witness.Handlers["sentinel"] = (_, _) => received.TrySetResult();
        var witnessConnect = await witness.StartAsync();
        await _server.ServerEvents.NotifyChannelAsync("home", "cmd.sentinel", null);
        await received.Task.WaitAsync(Recorder<int>.DefaultTimeout);

        Assert.Equal([witnessConnect.Id], (await _server.ServerEvents.GetSubscriptionsDetailsAsync()).Select(s => s.Id));
        Assert.Single(connects.All);
        Assert.Empty(reconnects.All);

        await client.StopAsync();
        await client.DisposeAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.StartAsync());
    }

    [Fact]
    public async Task StartAsync_twice_is_refused()
    {
        await using var client = ClientFactory.Create(_server, "home");
        await client.StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.StartAsync());
    }

    [Fact]
    public async Task StartAsync_gives_up_after_the_connect_timeout_with_the_last_failure()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.LimitToAuthenticatedUsers = true);
        var options = ClientFactory.FastOptions();
        options.ConnectTimeout = TimeSpan.FromSeconds(1.5);
        await using var client = ClientFactory.Create(server, ["home"], user: null, options);
        var errors = new Recorder<Exception>();
        client.OnException += (_, exception) => errors.Add(exception);

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<HttpRequestException>(timeout.InnerException).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<HttpRequestException>(await errors.NextAsync()).StatusCode);
        Assert.Null(client.Connection);
    }

    [Fact]
    public async Task StartAsync_retries_a_refused_stream_with_growing_attempts_until_cancelled()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.LimitToAuthenticatedUsers = true);
        await using var client = ClientFactory.Create(server, "home");
        var reconnects = new Recorder<ServerEventReconnect>();
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        using var cancel = new CancellationTokenSource();

        var start = client.StartAsync(cancel.Token);
        await reconnects.WaitForAsync(r => r.Attempt == 3);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.Equal([1, 2, 3], reconnects.All.Take(3).Select(r => r.Attempt));
        Assert.All(reconnects.All, r => Assert.Equal(ReconnectReason.ConnectFailed, r.Reason));
    }

    [Fact]
    public async Task The_DI_registration_builds_a_client_on_a_factory_HttpClient_and_disposing_the_container_stops_it()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddServerEventsClient(_server.BaseAddress, ["home"], o => o.ReconnectBaseDelay = TimeSpan.FromMilliseconds(5))
            .ConfigureHttpClient(http => http.DefaultRequestHeaders.Add(HeaderAuthenticationHandler.HeaderName, "u-di|di|Di"));
        var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<ServerEventsClient>();
        Assert.Same(client, provider.GetRequiredService<ServerEventsClient>());
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Handlers["chat"] = (_, message) => received.TrySetResult(message.Json);

        var connect = await client.StartAsync();
        await _server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "via DI");

        Assert.Equal("u-di", connect.UserId);
        Assert.Equal("\"via DI\"", await received.Task.WaitAsync(Recorder<int>.DefaultTimeout));
        await provider.DisposeAsync();
        Assert.Null(await _server.ServerEvents.GetSubscriptionInfoAsync(connect.Id));
    }
}
