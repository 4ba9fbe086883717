using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerEvents.Cluster;
using ServerEvents.Hosting;

namespace ServerEvents.Client.Tests;

/// <summary>A connection the server drops is resumed from the last event id: every event arrives exactly once, in order.</summary>
public sealed class ResumeTests
{
    [Fact]
    public async Task A_connection_aborted_by_the_server_resumes_from_the_last_event_id_without_losing_or_repeating_events()
    {
        var requests = new StreamRequests();
        var resumeCursors = new Recorder<string>();
        var resumeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.Hooks.OnInit = async init =>
            {
                if (init.HttpContext.Request.Headers["Last-Event-ID"].FirstOrDefault() is { } cursor)
                {
                    resumeCursors.Add(cursor);

                    // Held until the test has published what the client must catch up on.
                    await resumeGate.Task;
                }
            };
            o.Hooks.OnCreated = requests.Record;
        });
        await using var client = ClientFactory.Create(server, "numbers");
        var numbers = new Recorder<int>();
        var connects = new Recorder<ServerEventConnect>();
        var reconnects = new Recorder<ServerEventReconnect>();
        client.On<int>("number", (n, _) => numbers.Add(n));
        client.OnConnect += (_, connect) => connects.Add(connect);
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        var first = await client.StartAsync();

        await PublishAsync(server, 1, 10);
        await numbers.WaitForAsync(n => n == 10);
        var cursor = client.LastEventId;

        requests[first.Id].Abort();
        var reconnect = await reconnects.NextAsync();
        Assert.Contains(reconnect.Reason, new[] { ReconnectReason.StreamFailed, ReconnectReason.StreamEnded });
        Assert.Equal(cursor.ToString(), await resumeCursors.NextAsync());

        await PublishAsync(server, 11, 20);
        resumeGate.SetResult();
        var second = await connects.WaitForAsync(c => c.Id != first.Id);
        await PublishAsync(server, 21, 30);

        await numbers.WaitForAsync(n => n == 30);
        Assert.Equal(Enumerable.Range(1, 30), numbers.All);
        Assert.Equal(second.Id, client.SubscriptionId);
        Assert.Single(reconnects.All);
    }

    [Fact]
    public async Task Resuming_after_the_server_dropped_the_missed_events_raises_OnReplayGap()
    {
        var requests = new StreamRequests();
        var resumeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.ReplayRetentionCount = 3;
            o.Hooks.OnInit = init => init.HttpContext.Request.Headers.ContainsKey("Last-Event-ID") ? resumeGate.Task : Task.CompletedTask;
            o.Hooks.OnCreated = requests.Record;
        });
        await using var client = ClientFactory.Create(server, "numbers");
        var gaps = new Recorder<ServerEventReplayGap>();
        var reconnects = new Recorder<ServerEventReconnect>();
        var numbers = new Recorder<int>();
        client.OnReplayGap += (_, gap) => gaps.Add(gap);
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        client.On<int>("number", (n, _) => numbers.Add(n));
        var first = await client.StartAsync();
        await PublishAsync(server, 1, 1);
        await numbers.NextAsync();
        var cursor = client.LastEventId!.Value;

        requests[first.Id].Abort();
        await reconnects.NextAsync();
        await PublishAsync(server, 2, 20);
        resumeGate.SetResult();

        var gap = await gaps.NextAsync();
        Assert.Equal(cursor, gap.LastEventId);
        Assert.True(gap.OldestAvailableId > cursor + 1, $"Oldest available {gap.OldestAvailableId} should be past the cursor {cursor}.");
        Assert.Equal(20, await numbers.WaitForAsync(n => n == 20));
    }

    [Fact]
    public async Task A_reconnect_sends_the_epoch_of_its_onConnect_back_with_the_cursor()
    {
        var requests = new StreamRequests();
        var resumes = new Recorder<(string? Cursor, string? Epoch)>();
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.Hooks.OnInit = init =>
            {
                var headers = init.HttpContext.Request.Headers;
                if (headers.ContainsKey("Last-Event-ID"))
                {
                    resumes.Add((headers["Last-Event-ID"].FirstOrDefault(), headers["Last-Event-Epoch"].FirstOrDefault()));
                }

                return Task.CompletedTask;
            };
            o.Hooks.OnCreated = requests.Record;
        });
        await using var client = ClientFactory.Create(server, "numbers");
        var numbers = new Recorder<int>();
        var gaps = new Recorder<ServerEventReplayGap>();
        client.On<int>("number", (n, _) => numbers.Add(n));
        client.OnReplayGap += (_, gap) => gaps.Add(gap);
        var first = await client.StartAsync();
        await PublishAsync(server, 1, 1);
        await numbers.NextAsync();
        var cursor = client.LastEventId;

        requests[first.Id].Abort();
        var resume = await resumes.NextAsync();

        Assert.False(string.IsNullOrEmpty(first.Epoch), "the server announces its log's epoch in cmd.onConnect");
        Assert.Equal(server.Services.GetRequiredService<IClusterTier>().Events.Epoch, first.Epoch);
        Assert.Equal((cursor.ToString(), first.Epoch), resume);

        // The right epoch resumes by position: what was published while away is replayed, with no gap.
        await PublishAsync(server, 2, 2);
        Assert.Equal(2, await numbers.NextAsync());
        Assert.Empty(gaps.All);
    }

    /// <summary>The HTTP request of every stream, by subscription id, so a test can abort a connection.</summary>
    private sealed class StreamRequests
    {
        private readonly ConcurrentDictionary<string, HttpContext> _requests = new();

        public HttpContext this[string subscriptionId] => _requests[subscriptionId];

        public Task Record(SubscriptionCreatedContext created)
        {
            _requests[created.SubscriptionId] = created.HttpContext;
            return Task.CompletedTask;
        }
    }

    private static async Task PublishAsync(LoopbackServer server, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            await server.ServerEvents.NotifyChannelAsync("numbers", "cmd.number", n);
        }
    }
}
