using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ServerEvents.Client.Tests;

/// <summary>
/// <see cref="ServerEventsClientOptions.AccessTokenProvider"/>: its token goes as <c>Authorization: Bearer</c> on the
/// stream and on every side request, and it is asked again for each reconnect, so a refreshed token is used.
/// </summary>
public sealed class AccessTokenTests
{
    [Fact]
    public async Task Every_request_carries_the_providers_token_and_a_reconnect_asks_for_a_fresh_one()
    {
        var requests = new Recorder<(string Path, string Authorization)>();
        var streams = new ConcurrentDictionary<string, HttpContext>();
        await using var server = await LoopbackServer.StartAsync(
            o => o.Hooks.OnCreated = created =>
            {
                streams[created.SubscriptionId] = created.HttpContext;
                return Task.CompletedTask;
            },
            map: app => app.Use((context, next) =>
            {
                requests.Add((context.Request.Path.Value!, context.Request.Headers.Authorization.ToString()));
                return next(context);
            }));
        var issued = 0;
        var options = ClientFactory.FastOptions();
        options.AccessTokenProvider = _ => ValueTask.FromResult<string?>("token-" + Interlocked.Increment(ref issued));
        await using var client = ClientFactory.Create(server, ["home"], user: null, options);
        var connects = new Recorder<ServerEventConnect>();
        client.OnConnect += (_, connect) => connects.Add(connect);

        var first = await client.StartAsync();
        Assert.Equal("Bearer token-1", (await requests.WaitForAsync(r => r.Path == "/event-stream")).Authorization);

        await client.SubscribeToChannelsAsync("news");
        await client.GetChannelSubscribersAsync();
        var update = await requests.WaitForAsync(r => r.Path.StartsWith("/event-subscribers/", StringComparison.Ordinal));
        var list = await requests.WaitForAsync(r => r.Path == "/event-subscribers");
        Assert.Matches("^Bearer token-[0-9]+$", update.Authorization);
        Assert.Matches("^Bearer token-[0-9]+$", list.Authorization);
        var beforeReconnect = Volatile.Read(ref issued);

        streams[first.Id].Abort();
        await connects.WaitForAsync(c => c.Id != first.Id);
        var streamRequests = requests.All.Where(r => r.Path == "/event-stream").ToList();
        Assert.Equal(2, streamRequests.Count);
        var reconnectToken = int.Parse(streamRequests[1].Authorization["Bearer token-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(reconnectToken > beforeReconnect, $"The reconnect sent token-{reconnectToken}, not one issued after token-{beforeReconnect}.");
    }

    [Fact]
    public async Task Without_a_provider_no_authorization_header_is_added()
    {
        var requests = new Recorder<string>();
        await using var server = await LoopbackServer.StartAsync(map: app => app.Use((context, next) =>
        {
            requests.Add(context.Request.Headers.Authorization.ToString());
            return next(context);
        }));
        await using var client = ClientFactory.Create(server, "home");

        await client.StartAsync();

        Assert.Equal(string.Empty, await requests.NextAsync());
    }
}
