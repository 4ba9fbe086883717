using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ServerEvents.Cluster;
using ServerEvents.Delivery;
using ServerEvents.Diagnostics;
using ServerEvents.Subscriptions;

namespace ServerEvents.Tests;

/// <summary>
/// A stream that opens while events are being routed gets every event after the position <c>Add</c> returned,
/// live, and is replayed the rest: nothing falls between the two. Reading the watermark after adding the stream,
/// without excluding the routing, fails this test within a few hundred adds (each add races the routing of an
/// event to a thousand open streams).
/// </summary>
public sealed class LocalEventDispatcherTests
{
    private const int Events = 4_000;
    private const int Adders = 2;
    private const int AddsPerAdder = 400;
    private const int OpenStreams = 1_000;

    [Fact]
    public async Task Streams_added_while_events_are_routed_get_every_event_after_the_position_they_were_given()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var registry = new SubscriptionRegistry();
        var dispatcher = new LocalEventDispatcher(
            registry,
            new ServerEventsMetrics(services.GetRequiredService<IMeterFactory>()),
            TimeProvider.System,
            NullLogger<LocalEventDispatcher>.Instance);
        dispatcher.OnAttached(0);

        // Streams already open make each routing take a while, as on a busy node; they must get every event.
        var open = Enumerable.Range(0, OpenStreams).Select(n => Connection($"open-{n}")).ToList();
        foreach (var connection in open)
        {
            Assert.Equal(0, dispatcher.Add(connection));
        }

        // Streams are added from other threads while one thread routes, as the fan-out and the requests do. The
        // routing starts once every adder is running, and each add waits for a few more events to be routed.
        var ready = Enumerable.Range(0, Adders).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var adding = Enumerable.Range(0, Adders).Select(adder => Task.Run(() =>
        {
            var added = new List<(EventStreamConnection Connection, long ReplayThrough)>();
            ready[adder].SetResult();
            for (var n = 0; n < AddsPerAdder && dispatcher.Watermark < Events; n++)
            {
                var connection = Connection($"{adder}-{n}");
                var replayThrough = dispatcher.Add(connection);
                added.Add((connection, replayThrough));
                var spin = new SpinWait();
                while (dispatcher.Watermark < Math.Min(replayThrough + (Events / AddsPerAdder), Events))
                {
                    spin.SpinOnce();
                }
            }

            return added;
        })).ToArray();
        await Task.WhenAll(ready.Select(r => r.Task));
        for (var id = 1L; id <= Events; id++)
        {
            dispatcher.OnEvent(new ClusterEvent(id, new EventTarget(EventTargetKind.Channel, "feed"), "cmd.n", string.Empty, DateTimeOffset.UnixEpoch));
        }

        var added = (await Task.WhenAll(adding)).SelectMany(a => a).ToList();

        // The race is only exercised if streams were added while events were being routed.
        Assert.Contains(added, a => a.ReplayThrough is > 0 and < Events);
        foreach (var (connection, replayThrough) in added.Concat(open.Select(c => (c, 0L))))
        {
            var live = new List<long>();
            while (connection.Queue.TryRead(out var queued))
            {
                live.Add(queued.Id);
            }

            // What the stream's writer keeps: the replay covers up to the position, the queue everything after it.
            var kept = live.Where(id => id > replayThrough).ToList();
            Assert.True(
                kept.SequenceEqual(Enumerable.Range((int)replayThrough + 1, Events - (int)replayThrough).Select(i => (long)i)),
                $"{connection.Id} was to be replayed through {replayThrough} but its queue began at {(kept.Count > 0 ? kept[0] : 0)} with {kept.Count} events");
            Assert.True(live.Count - kept.Count <= 1, $"{connection.Id} was queued {live.Count - kept.Count} events its replay also covers");
            connection.Dispose();
        }
    }

    private static EventStreamConnection Connection(string id) => new(
        new SubscriptionInfo { Id = id, UserId = "-" + id, DisplayName = id, Channels = ["feed"], NodeId = "node" },
        queueCapacity: Events + 1);
}
