using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using ServerEvents.Cluster;
using ServerEvents.Grains.Events;
using ServerEvents.Grains.Storage;
using ServerEvents.Subscriptions;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// What the Orleans tier does beyond the shared contract: fan-out that survives a lossy stream (with the publish's trace
/// context and the gap-fill figures), a fenced log, cheap writes.
/// </summary>
[Collection(OrleansClusterCollection.Name)]
public sealed class OrleansClusterTierTests(OrleansTestCluster cluster) : IAsyncLifetime
{
    private readonly List<OrleansTierNode> _nodes = [];
    private readonly string _scope = OrleansTierNode.NewScope();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(FanOutTransport.Streams)]
    [InlineData(FanOutTransport.Observers)]
    public async Task An_event_lost_by_the_fan_out_is_read_from_the_log_before_the_next_is_delivered(FanOutTransport transport)
    {
        // Silence long enough that only the next batch, not the lost-subscription recovery, can deliver within the wait.
        var publisher = await StartNodeAsync(Transport(transport, ("StreamSilenceTimeout", "00:00:30")));
        var listener = await StartNodeAsync(Transport(transport, ("StreamSilenceTimeout", "00:00:30")));
        var sink = new RecordingSink();
        using var attachment = listener.Tier.Events.Attach(sink);
        using var lossy = LossyFanOut.Lose(_scope, batch => batch.Items.Any(i => i.Event?.Body == "\"lost\""));

        var lost = await publisher.Tier.Events.PublishAsync(Feed("lost"));
        var next = await publisher.Tier.Events.PublishAsync(Feed("next"));

        var items = await sink.WaitForCountAsync(2);
        Assert.Equal([lost, next], items.OfType<ClusterEvent>().Select(e => e.Id));
        Assert.Equal(["\"lost\"", "\"next\""], items.OfType<ClusterEvent>().Select(e => e.Body));
        Assert.True(lossy.Lost > 0, "the fan-out delivered what the test meant to lose");
    }

    [Theory]
    [InlineData(FanOutTransport.Streams)]
    [InlineData(FanOutTransport.Observers)]
    public async Task The_publish_trace_context_reaches_the_other_node_through_the_fan_out_and_through_a_gap_fill(FanOutTransport transport)
    {
        var publisher = await StartNodeAsync(Transport(transport, ("StreamSilenceTimeout", "00:00:30")));
        var listener = await StartNodeAsync(Transport(transport, ("StreamSilenceTimeout", "00:00:30")));
        using var figures = new NodeFigures(listener.Services);
        var sink = new RecordingSink();
        using var attachment = listener.Tier.Events.Attach(sink);
        using var lossy = LossyFanOut.Lose(_scope, batch => batch.Items.Any(i => i.Event?.Body == "\"lost\""));
        var lostContext = TraceParent();
        var nextContext = TraceParent();

        await publisher.Tier.Events.PublishAsync(Feed("lost", lostContext));
        await publisher.Tier.Events.PublishAsync(Feed("next", nextContext));
        await publisher.Tier.Events.PublishAsync(Feed("untraced", null));

        var items = await sink.WaitForCountAsync(3);
        Assert.Equal([lostContext, nextContext, null], items.OfType<ClusterEvent>().Select(e => e.TraceParent));
        Assert.True(lossy.Lost > 0, "the fan-out delivered what the test meant to lose");

        // The lost event was read from the log: one gap, at least one item filled.
        await figures.WaitForAsync("serverevents.fanout.caught_up", 1);
        Assert.True(figures.Sum("serverevents.fanout.gaps") >= 1, "the gap was counted");
        Assert.All(figures.Tags, tag => Assert.Equal(new KeyValuePair<string, object?>("serverevents.tier", "orleans"), tag));
    }

    [Fact]
    public async Task Batches_that_arrive_in_reverse_order_are_handed_over_in_order_without_reading_the_log()
    {
        // The fan-out loses everything, so only the batches handed to the listener below reach it, as observer calls
        // do, newest first. The window outlasts any stall of this machine, and the silence the recovery.
        var node = await StartNodeAsync(Transport(FanOutTransport.Observers, ("StreamSilenceTimeout", "00:01:00"), ("FanOutReorderWindow", "00:00:30")));
        using var figures = new NodeFigures(node.Services);
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);
        using var lossy = LossyFanOut.Lose(_scope, _ => true);
        var published = new List<long>();
        for (var n = 0; n < 5; n++)
        {
            published.Add(await node.Tier.Events.PublishAsync(Feed(n.ToString(CultureInfo.InvariantCulture))));
        }

        var read = await cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope).ReadItemsAsync(published[0] - 1, published.Count);
        ILogBatchObserver observer = node.Listener;
        foreach (var item in read.Items.Reverse())
        {
            await observer.OnBatchAsync(new LogBatch(read.Epoch, item.Position, [item]));
        }

        var items = await sink.WaitForCountAsync(published.Count);
        Assert.Equal(published, items.OfType<ClusterEvent>().Select(e => e.Id));
        Assert.True(lossy.Lost > 0, "the fan-out delivered what the test meant to lose");
        Assert.Equal(0, figures.Sum("serverevents.fanout.gaps"));
        Assert.Equal(0, figures.Sum("serverevents.fanout.caught_up"));
    }

    [Theory]
    [InlineData(FanOutTransport.Streams)]
    [InlineData(FanOutTransport.Observers)]
    public async Task The_last_event_lost_by_the_fan_out_arrives_with_the_next_watermark_tick(FanOutTransport transport)
    {
        // Silence long enough that only the tick, not the lost-subscription recovery, can deliver within the wait.
        var node = await StartNodeAsync(Transport(transport, ("StreamSilenceTimeout", "00:00:30")));
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);
        using var lossy = LossyFanOut.Lose(_scope, batch => batch.Items.Count > 0);

        // Nothing follows, so only the tick (every second, carrying the committed position) can reveal it.
        var lost = await node.Tier.Events.PublishAsync(Feed("lost"));

        var items = await sink.WaitForCountAsync(1, TimeSpan.FromSeconds(15));
        Assert.Equal(lost, Assert.IsType<ClusterEvent>(Assert.Single(items)).Id);
        Assert.True(lossy.Lost > 0, "the fan-out delivered what the test meant to lose");
        Assert.Equal(0, node.Listener.Resubscriptions);
    }

    [Theory]
    [InlineData(FanOutTransport.Streams)]
    [InlineData(FanOutTransport.Observers)]
    public async Task A_node_whose_fan_out_subscription_was_lost_subscribes_again_and_catches_up(FanOutTransport transport)
    {
        // The log ticks every second; the default 3 s leaves a tick 2 s to be late on a loaded machine before the node
        // takes silence for a lost subscription. Shorter, a late tick makes the node read the log once more, and the
        // final check (no gap after the subscription is back) would fail for a slow machine, not a broken fan-out.
        var node = await StartNodeAsync(Transport(transport, ("StreamSilenceTimeout", "00:00:03")));
        using var figures = new NodeFigures(node.Services);
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);

        // What a silo restart does to a stream subscription: it is gone, and nothing says so. An observer's
        // registration lives in the log grain's activation, so a new activation (on another silo) has none.
        var stream = cluster.Cluster.Client.GetStreamProvider(Grains.Hosting.OrleansNames.StreamProvider).GetStream<LogBatch>(FanOutStream.Id(_scope));
        if (transport == FanOutTransport.Streams)
        {
            foreach (var handle in await stream.GetAllSubscriptionHandles())
            {
                await handle.UnsubscribeAsync();
            }
        }
        else
        {
            var log = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope).GetGrainId();
            await cluster.Cluster.DeactivateAsync(log);
            await cluster.Cluster.WaitForDeactivationAsync(log);
        }

        var published = new List<long>();
        for (var n = 0; n < 5; n++)
        {
            published.Add(await node.Tier.Events.PublishAsync(Feed(n.ToString(CultureInfo.InvariantCulture))));
        }

        var items = await sink.WaitForCountAsync(5, TimeSpan.FromSeconds(10));
        Assert.Equal(published, items.OfType<ClusterEvent>().Select(e => e.Id));
        if (transport == FanOutTransport.Streams)
        {
            // Subscribed again (after catching up, in the background), once: the stream has this node's subscription back.
            await figures.WaitForAsync("serverevents.fanout.resubscriptions", 1);
            Assert.Single(await stream.GetAllSubscriptionHandles());
        }

        // Registered again: the next event comes through the fan-out itself, with no gap to read from the log.
        var gaps = figures.Sum("serverevents.fanout.gaps");
        var after = await node.Tier.Events.PublishAsync(Feed("after"));
        await sink.WaitForAsync(i => i.OfType<ClusterEvent>().Any(e => e.Id == after));
        Assert.Equal(gaps, figures.Sum("serverevents.fanout.gaps"));
    }

    [Fact]
    public async Task An_observer_receives_the_batches_in_place_of_the_stream_until_its_registration_lapses()
    {
        // A node on the stream beside an observer registered once and never renewed: what a front-end that died, or
        // a deployment changing its transport, leaves behind.
        var node = await StartNodeAsync(Transport(FanOutTransport.Streams, ("StreamSilenceTimeout", "00:00:30")));
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);
        var observer = new RecordingObserver();
        var reference = cluster.Cluster.Client.CreateObjectReference<ILogBatchObserver>(observer);
        var log = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope);
        var lease = TimeSpan.FromSeconds(1);
        await log.RegisterObserverAsync(reference, lease);

        var during = await node.Tier.Events.PublishAsync(Feed("during"));
        await observer.WaitForAsync(during);
        await Task.Delay(lease * 2);
        var after = await node.Tier.Events.PublishAsync(Feed("after"));

        // The lapsed observer is dropped and the log goes back to the stream: the node reads what went to the observer
        // from the log when the next batch shows the gap.
        var items = await sink.WaitForAsync(i => i.OfType<ClusterEvent>().Any(e => e.Id == after));
        Assert.Equal([during, after], items.OfType<ClusterEvent>().Select(e => e.Id));
        Assert.DoesNotContain(after, observer.Positions);
        cluster.Cluster.Client.DeleteObjectReference<ILogBatchObserver>(reference);
    }

    [Fact]
    public async Task A_node_whose_stream_went_silent_catches_up_from_the_log_while_subscribing_again_is_held_up()
    {
        var node = await StartNodeAsync(new Dictionary<string, string?> { ["ServerEvents:Cluster:Orleans:StreamSilenceTimeout"] = "00:00:01.500" });
        using var figures = new NodeFigures(node.Services);
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);
        var published = new List<long>();
        using (var stall = StalledPubSubFilter.Hold(_scope))
        {
            // The queue died with its silo (every message lost) and so did the pub-sub grain (subscribing hangs).
            using var lossy = LossyFanOut.Lose(_scope, _ => true);
            for (var n = 0; n < 3; n++)
            {
                published.Add(await node.Tier.Events.PublishAsync(Feed(n.ToString(CultureInfo.InvariantCulture))));
            }

            // Well inside Orleans' 30 s response timeout, which is as long as a held subscribe would hold the log.
            var items = await sink.WaitForCountAsync(3, TimeSpan.FromSeconds(10));
            Assert.Equal(published, items.OfType<ClusterEvent>().Select(e => e.Id));
            await stall.FirstHeld.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, node.Listener.Resubscriptions);
        }

        // The pub-sub grain answers again: the subscription is made, and the stream carries what follows.
        var after = await node.Tier.Events.PublishAsync(Feed("after"));
        await sink.WaitForAsync(i => i.OfType<ClusterEvent>().Any(e => e.Id == after));
        await figures.WaitForAsync("serverevents.fanout.resubscriptions", 1);
        var stream = cluster.Cluster.Client.GetStreamProvider(Grains.Hosting.OrleansNames.StreamProvider).GetStream<LogBatch>(FanOutStream.Id(_scope));
        Assert.Single(await stream.GetAllSubscriptionHandles());
    }

    [Fact]
    public async Task A_second_activation_of_the_sequencer_cannot_fork_the_log()
    {
        var node = await StartNodeAsync();
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);
        var first = await node.Tier.Events.PublishAsync(Feed("first"));

        // Another activation (a silo wrongly declared dead) stores five positions behind this one's back.
        var grainId = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope).GetGrainId();
        var other = new StoredRecord<LogSegment>();
        var now = DateTimeOffset.UtcNow;
        other.State.Items.AddRange(Enumerable.Range(1, 5).Select(n => new LogItem(first + n, now, new LogEvent((int)EventTargetKind.Channel, "feed", null, "feed@cmd.n", $"\"other {n}\"", true), null)));
        await cluster.Storage.Inner.WriteStateAsync($"log-chunk-{first + 1}", grainId, other);

        // This activation's chunk create finds that position stored: the publish is refused, never acknowledged.
        await Assert.ThrowsAsync<ClusterBusyException>(async () => await node.Tier.Events.PublishAsync(Feed("refused")));

        // The next activation continues after the other one's positions; none is stored twice.
        var next = await PublishWithRetryAsync(node.Tier, Feed("next"));
        Assert.Equal(first + 6, next);
        var items = await sink.WaitForAsync(i => i.OfType<ClusterEvent>().Any(e => e.Id == next));
        Assert.Equal(Enumerable.Range(0, 7).Select(n => first + n), items.OfType<ClusterEvent>().Select(e => e.Id));
        Assert.DoesNotContain(items.OfType<ClusterEvent>(), e => e.Body == "\"refused\"");
        Assert.Equal(items.OfType<ClusterEvent>().Select(e => e.Body), (await node.Tier.Events.ReadAsync(0, long.MaxValue)).Events.Select(e => e.Body));
    }

    [Fact]
    public async Task Commits_made_after_the_last_head_write_survive_a_reactivation()
    {
        var node = await StartNodeAsync();
        var log = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope);
        var grainId = log.GetGrainId();
        var published = new List<long>();
        for (var n = 0; n < 3; n++)
        {
            published.Add(await node.Tier.Events.PublishAsync(Feed(n.ToString(CultureInfo.InvariantCulture))));
        }

        // The head is written off the commit path (at a seal, or a second after the chain grew): a deactivation
        // now leaves commits only the chain of chunks knows about.
        await cluster.Cluster.DeactivateAsync(grainId);
        await cluster.Cluster.WaitForDeactivationAsync(grainId);

        var next = await node.Tier.Events.PublishAsync(Feed("next"));
        Assert.Equal(published[^1] + 1, next);
        Assert.Equal(
            ["\"0\"", "\"1\"", "\"2\"", "\"next\""],
            (await node.Tier.Events.ReadAsync(0, long.MaxValue)).Events.Select(e => e.Body));
    }

    [Fact]
    public async Task A_publish_fanned_out_before_its_commit_reaches_another_node_while_its_write_is_in_flight()
    {
        var publisher = await StartNodeAsync(FanOutBeforeCommit);
        var listener = await StartNodeAsync(FanOutBeforeCommit);
        var sink = new RecordingSink();
        using var attachment = listener.Tier.Events.Attach(sink);
        var first = await publisher.Tier.Events.PublishAsync(Feed("first"));

        Task<long> early;
        // Only the log's commits are held: the stream's own records (its subscriptions) share this storage in the test.
        using (cluster.Storage.HoldWrites(_scope, "log-chunk-"))
        {
            early = publisher.Tier.Events.PublishAsync(Feed("early")).AsTask();
            var items = await sink.WaitForAsync(i => i.OfType<ClusterEvent>().Any(e => e.Body == "\"early\""));
            Assert.False(early.IsCompleted, "the publish was answered before its write landed");
            Assert.Equal([first, first + 1], items.OfType<ClusterEvent>().Select(e => e.Id));
        }

        Assert.Equal(first + 1, await early);
        Assert.Equal(["\"first\"", "\"early\""], (await publisher.Tier.Events.ReadAsync(0, long.MaxValue)).Events.Select(e => e.Body));
    }

    [Fact]
    public async Task Positions_fanned_out_ahead_of_a_failed_write_become_voids_and_are_never_handed_out_again()
    {
        var node = await StartNodeAsync(FanOutBeforeCommit);
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);
        var first = await node.Tier.Events.PublishAsync(Feed("first"));

        using (cluster.Storage.FailFor(_scope, "log-chunk-"))
        {
            // Handed to the stream at once; then its write fails, so its publisher is refused.
            await Assert.ThrowsAsync<ClusterBusyException>(async () => await node.Tier.Events.PublishAsync(Feed("refused")));
            await sink.WaitForAsync(i => i.OfType<ClusterEvent>().Any(e => e.Body == "\"refused\""));
        }

        // The next activation stores the reserved positions no chunk holds as voids and goes on after them.
        var next = await PublishWithRetryAsync(node.Tier, Feed("next"));
        var delivered = (await sink.WaitForAsync(i => i.OfType<ClusterEvent>().Any(e => e.Id == next))).OfType<ClusterEvent>().ToList();
        Assert.Equal(["\"first\"", "\"refused\"", "\"next\""], delivered.Select(e => e.Body));
        Assert.Equal(first + 1, delivered[1].Id);
        Assert.True(next > first + 1, $"position {first + 1} was handed out twice");
        Assert.Equal(["\"first\"", "\"next\""], (await node.Tier.Events.ReadAsync(0, long.MaxValue)).Events.Select(e => e.Body));

        // A node that starts now reads the voids and the events alike, and the log goes on densely.
        var late = await StartNodeAsync(FanOutBeforeCommit);
        var lateSink = new RecordingSink();
        using var lateAttachment = late.Tier.Events.Attach(lateSink);
        var after = await node.Tier.Events.PublishAsync(Feed("after"));
        Assert.Equal(next + 1, after);
        Assert.Equal(after, Assert.IsType<ClusterEvent>(Assert.Single(await lateSink.WaitForCountAsync(1))).Id);
    }

    [Fact]
    public async Task A_deactivation_hands_back_the_unused_reserved_positions()
    {
        var node = await StartNodeAsync(FanOutBeforeCommit);
        var grainId = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope).GetGrainId();
        var before = await node.Tier.Events.PublishAsync(Feed("before"));

        await cluster.Cluster.DeactivateAsync(grainId);
        await cluster.Cluster.WaitForDeactivationAsync(grainId);

        // A silo shutting down, not failing: nothing handed out was left unstored, so the log goes on densely.
        var after = await node.Tier.Events.PublishAsync(Feed("after"));
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public void The_fan_out_stream_has_one_queue_polled_every_few_milliseconds_and_delivers_in_batches()
    {
        var services = cluster.Cluster.Silos[0].ServiceProvider;

        // Orleans' defaults (8 queues, a poll every 100 ms) would add 50 ms to the average publish.
        var agent = services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(Grains.Hosting.OrleansNames.StreamProvider);
        Assert.Equal(FanOutStream.DefaultPollPeriod, agent.GetQueueMsgsTimerPeriod);
        Assert.Equal(FanOutStream.DeliveryBatch, agent.BatchContainerBatchSize);
        var queues = services.GetRequiredService<IOptionsMonitor<HashRingStreamQueueMapperOptions>>().Get(Grains.Hosting.OrleansNames.StreamProvider);
        Assert.Equal(FanOutStream.Queues, queues.TotalQueueCount);
    }

    [Fact]
    public async Task Concurrent_publishes_share_storage_writes()
    {
        const int Publishes = 200;
        var node = await StartNodeAsync();
        var grainId = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope).GetGrainId().ToString();
        var writesBefore = ChunkWrites(grainId);

        // A storage write as slow as a remote account's, so the publishes sent together are all waiting while the
        // first commit is in flight, however busy the machine is.
        cluster.Storage.SlowDown(_scope, TimeSpan.FromMilliseconds(100));

        var positions = await Task.WhenAll(Enumerable.Range(0, Publishes).Select(n => node.Tier.Events.PublishAsync(Feed(n.ToString(CultureInfo.InvariantCulture))).AsTask()));

        Assert.Equal(Enumerable.Range(1, Publishes).Select(p => (long)p), positions.Order());
        var writes = ChunkWrites(grainId) - writesBefore;
        Assert.True(writes <= 10, $"{writes} commits for {Publishes} concurrent publishes");
    }

    [Fact]
    public async Task A_join_to_a_channel_of_ten_thousand_writes_one_small_record()
    {
        const int Members = 10_000;
        var node = await StartNodeAsync();
        var now = DateTimeOffset.UtcNow;
        foreach (var block in Enumerable.Range(0, Members).Chunk(500))
        {
            await Task.WhenAll(block.Select(n => node.Tier.Directory.AddAsync(Member(node.NodeId, $"m{n}", now), now).AsTask()));
        }

        var before = cluster.Storage.Writes.Count;

        await node.Tier.Directory.AddAsync(Member(node.NodeId, "newcomer", now), now);

        // One record of one partition: no channel-wide or user record is rewritten.
        // Only this test's writes: grains of earlier tests on the shared cluster may still write their own records.
        var written = Assert.Single(cluster.Storage.Writes.Skip(before), w => w.GrainId.Contains(_scope, StringComparison.Ordinal));
        Assert.StartsWith("subscriptions-", written.StateName, StringComparison.Ordinal);
        Assert.InRange(written.Entries, 1, Members / 50);
        var hot = await node.Tier.Directory.GetByChannelsAsync(["hot"]);
        Assert.Equal(Members + 1, hot.Count);
        Assert.Contains(hot, s => s.Id == "newcomer");
    }

    [Fact]
    public async Task Concurrent_joins_share_storage_writes_and_survive_a_reactivation()
    {
        const int Joins = 256;
        var node = await StartNodeAsync();
        var now = DateTimeOffset.UtcNow;
        var before = ScopeWrites();

        // A storage write as slow as a remote account's, so the joins sent together wait while a round is in flight.
        cluster.Storage.SlowDown(_scope, TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(Enumerable.Range(0, Joins).Select(n => node.Tier.Directory.AddAsync(
            Member(node.NodeId, $"j{n}", now) with { UserId = $"user{n % 32}", Channels = ["hot", $"room{n % 50}"] }, now).AsTask()));

        var writes = ScopeWrites() - before;
        Assert.True(writes <= Joins / 4, $"{writes} storage writes for {Joins} concurrent joins");

        // Acknowledged means durable: every partition rereads its records from storage.
        foreach (var partition in Enumerable.Range(0, Grains.Directory.DirectoryPartitions.Count))
        {
            var grainId = cluster.Cluster.Client.GetGrain<Grains.Directory.ISubscriptionPartitionGrain>(Grains.Directory.DirectoryPartitions.Key(_scope, partition)).GetGrainId();
            await cluster.Cluster.DeactivateAsync(grainId);
            await cluster.Cluster.WaitForDeactivationAsync(grainId);
        }

        Assert.Equal(Joins, (await node.Tier.Directory.GetByChannelsAsync(["hot"])).Count);
        Assert.Equal(["j107", "j157", "j207", "j57", "j7"], (await node.Tier.Directory.GetByChannelsAsync(["room7"])).Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(Joins / 32, (await node.Tier.Directory.GetByUserIdAsync("user5")).Count);
        Assert.All(await node.Tier.Directory.GetByUserIdAsync("user5"), s => Assert.Equal("user5", s.UserId));
    }

    [Fact]
    public async Task Concurrent_channel_changes_and_a_leave_of_one_subscription_leave_no_index_entry_behind()
    {
        var node = await StartNodeAsync();
        var now = DateTimeOffset.UtcNow;
        await node.Tier.Directory.AddAsync(Member(node.NodeId, "mover", now), now);
        string[] rooms = [.. Enumerable.Range(0, 20).Select(n => $"room{n}")];

        // Joins and leaves of many channels at once, each leaving the previous room; then the subscription leaves.
        await Task.WhenAll(rooms.Select((room, n) => node.Tier.Directory.UpdateChannelsAsync("mover", n > 0 ? [rooms[n - 1]] : [], [room]).AsTask()));
        var record = await node.Tier.Directory.GetAsync("mover");
        Assert.NotNull(record);
        foreach (var room in rooms)
        {
            var members = await node.Tier.Directory.GetByChannelsAsync([room]);
            Assert.Equal(record.Channels.Contains(room), members.Any(m => m.Id == "mover"));
        }

        var leaving = node.Tier.Directory.RemoveAsync("mover").AsTask();
        var racing = node.Tier.Directory.UpdateChannelsAsync("mover", [], ["late"]).AsTask();
        await Task.WhenAll(leaving, racing);
        Assert.NotNull(await leaving);
        Assert.Empty(await node.Tier.Directory.GetByChannelsAsync([.. rooms, "hot", "late"]));
        Assert.Empty(await node.Tier.Directory.GetByUserIdAsync("-mover"));
    }

    [Fact]
    public async Task A_heartbeat_writes_nothing_and_one_for_a_stopped_node_is_refused()
    {
        var alive = await StartNodeAsync();
        var stopping = await StartNodeAsync();
        var now = DateTimeOffset.UtcNow;
        await alive.Tier.Directory.AddAsync(Member(alive.NodeId, "on-alive", now), now);
        await alive.Tier.Directory.AddAsync(Member(stopping.NodeId, "on-stopped", now), now);
        Assert.NotNull(await alive.Tier.Directory.PulseAsync("on-stopped", now));
        var before = DirectoryWrites();

        // Only the directory's own records count: a node's renewal or the log's head may be written meanwhile.
        Assert.NotNull(await alive.Tier.Directory.PulseAsync("on-alive", now.AddSeconds(5)));
        Assert.Equal(before, DirectoryWrites());

        // A partition reuses the registry's answer for up to a second, so the refusal may take that long.
        _nodes.Remove(stopping);
        await stopping.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await alive.Tier.Directory.PulseAsync("on-stopped", now) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "heartbeats for a stopped node's subscription were still accepted");
            await Task.Delay(100);
        }

        Assert.Equal(["on-stopped"], (await alive.Tier.Directory.RemoveIdleAsync(now.AddSeconds(1))).Select(s => s.Id));
    }

    [Fact]
    public async Task Two_nodes_share_the_directory_and_each_hears_the_other_ones_events()
    {
        var a = await StartNodeAsync();
        var b = await StartNodeAsync();
        var sinkA = new RecordingSink();
        var sinkB = new RecordingSink();
        using var attachA = a.Tier.Events.Attach(sinkA);
        using var attachB = b.Tier.Events.Attach(sinkB);
        var now = DateTimeOffset.UtcNow;

        await a.Tier.Directory.AddAsync(Member(a.NodeId, "joined-on-a", now), now);
        var fromA = await a.Tier.Events.PublishAsync(Feed("from a"));
        var fromB = await b.Tier.Events.PublishAsync(Feed("from b"));

        Assert.Equal("joined-on-a", (await b.Tier.Directory.GetAsync("joined-on-a"))?.Id);
        Assert.NotNull(await b.Tier.Directory.PulseAsync("joined-on-a", now));
        foreach (var sink in new[] { sinkA, sinkB })
        {
            var items = await sink.WaitForCountAsync(2);
            Assert.Equal([fromA, fromB], items.OfType<ClusterEvent>().Select(e => e.Id));
        }
    }

    [Fact]
    public async Task While_the_storage_is_away_publishes_answer_503_and_health_fails_then_both_recover()
    {
        var node = await StartNodeAsync();
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);
        var before = await node.Tier.Events.PublishAsync(Feed("before"));

        using (cluster.Storage.FailFor(_scope))
        {
            await Assert.ThrowsAsync<ClusterBusyException>(async () => await node.Tier.Events.PublishAsync(Feed("refused")));
            await Assert.ThrowsAnyAsync<Exception>(async () => await node.Tier.CheckHealthAsync());
        }

        await node.Tier.CheckHealthAsync();
        var after = await PublishWithRetryAsync(node.Tier, Feed("after"));
        var items = await sink.WaitForAsync(i => i.OfType<ClusterEvent>().Any(e => e.Id == after));
        Assert.Equal([before, after], items.OfType<ClusterEvent>().Select(e => e.Id));
    }

    [Fact]
    public async Task Retention_drops_whole_old_segments_and_keeps_the_newest()
    {
        // Enough for segment 0 to fall outside both the retention and the catch-up window of 4 segments.
        const int Published = 6 * LogSegment.DefaultSize;
        const int Concurrent = 64;
        var node = await StartNodeAsync(retention: new EventLogRetention(100, TimeSpan.FromHours(1)));
        var grainId = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope).GetGrainId();
        long last = 0;
        for (var n = 0; n < Published; n += Concurrent)
        {
            var ids = await Task.WhenAll(Enumerable.Range(n, Concurrent).Select(m => node.Tier.Events.PublishAsync(Feed(m.ToString(CultureInfo.InvariantCulture))).AsTask()));
            last = Math.Max(last, ids.Max());
        }

        var slice = await node.Tier.Events.ReadAsync(0, long.MaxValue);

        Assert.Equal(Enumerable.Range(Published - 99, 100).Select(p => (long)p), slice.Events.Select(e => e.Id));
        Assert.Equal(last - 100, slice.EvictedThrough);
        var cleared = cluster.Storage.Clears.Where(c => c.GrainId == grainId.ToString()).Select(c => c.StateName).ToList();
        Assert.Contains("log-segment-0", cleared);
        var first = new StoredRecord<LogSegment>();
        await cluster.Storage.Inner.ReadStateAsync("log-segment-0", grainId, first);
        Assert.False(first.RecordExists);

        // A commit writes its own items once; only sealing a complete segment writes a segment's worth.
        Assert.All(cluster.Storage.Writes.Where(w => w.GrainId == grainId.ToString()), w => Assert.True(w.Entries <= LogSegment.DefaultSize));
    }

    [Fact]
    public async Task A_batch_that_crosses_a_segment_boundary_is_one_chunk_and_reads_stay_whole()
    {
        var node = await StartNodeAsync();
        var log = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope);
        var retention = new LogRetention(10_000, TimeSpan.FromHours(1));
        var now = DateTimeOffset.UtcNow;
        LogAppend Item(int n) => new(now, new LogEvent((int)EventTargetKind.Channel, "feed", null, "feed@cmd.n", n.ToString(CultureInfo.InvariantCulture), true), null);

        const int First = LogSegment.DefaultSize - 28;
        const int Total = First + 50;
        var first = await log.AppendAsync([.. Enumerable.Range(0, First).Select(Item)], retention, LogFanOut.AfterCommit);
        var second = await log.AppendAsync([.. Enumerable.Range(First, 50).Select(Item)], retention, LogFanOut.AfterCommit);

        Assert.Equal(Enumerable.Range(1, First).Select(p => (long)p), first);
        Assert.Equal(Enumerable.Range(First + 1, 50).Select(p => (long)p), second);
        var slice = await node.Tier.Events.ReadAsync(0, long.MaxValue);
        Assert.Equal(first.Concat(second), slice.Events.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(0, Total).Select(n => n.ToString(CultureInfo.InvariantCulture)), slice.Events.Select(e => e.Body));

        // The completed segment is sealed from both chunks, and a new activation reads the same log back.
        var grainId = log.GetGrainId();
        await WaitForWriteAsync(grainId, "log-segment-0");
        await cluster.Cluster.DeactivateAsync(grainId);
        await cluster.Cluster.WaitForDeactivationAsync(grainId);
        var third = await log.AppendAsync([Item(Total)], retention, LogFanOut.AfterCommit);
        Assert.Equal([Total + 1L], third);
        var reread = await node.Tier.Events.ReadAsync(0, long.MaxValue);
        Assert.Equal(Enumerable.Range(0, Total + 1).Select(n => n.ToString(CultureInfo.InvariantCulture)), reread.Events.Select(e => e.Body));
        Assert.Equal(Enumerable.Range(1, Total + 1).Select(p => (long)p), reread.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task A_log_created_before_its_head_recorded_the_segment_size_keeps_the_first_size()
    {
        // Stored as the first design stored it: a head with no segment size, segment 0 sealed at 128 positions and one
        // chunk after it.
        var log = cluster.Cluster.Client.GetGrain<IEventLogGrain>(_scope);
        var grainId = log.GetGrainId();
        var now = DateTimeOffset.UtcNow;
        LogItem Stored(long position) => new(position, now, new LogEvent((int)EventTargetKind.Channel, "feed", null, "feed@cmd.n", $"\"{position}\"", true), null);
        const int Chunk = LogSegment.FirstSize + 1;
        const int Head = LogSegment.FirstSize + 22;
        var segment = new StoredRecord<LogSegment>();
        segment.State.Items.AddRange(Enumerable.Range(1, LogSegment.FirstSize).Select(p => Stored(p)));
        await cluster.Storage.Inner.WriteStateAsync("log-segment-0", grainId, segment);
        var chunk = new StoredRecord<LogSegment>();
        chunk.State.Items.AddRange(Enumerable.Range(Chunk, Head - Chunk + 1).Select(p => Stored(p)));
        await cluster.Storage.Inner.WriteStateAsync($"log-chunk-{Chunk}", grainId, chunk);
        var head = new StoredRecord<LogHead> { State = new LogHead { Head = Head, Epoch = 7, SealedSegments = 1, OpenChunks = [Chunk], Reserved = Head } };
        await cluster.Storage.Inner.WriteStateAsync("head", grainId, head);

        var node = await StartNodeAsync();
        Assert.Equal(Enumerable.Range(1, Head).Select(p => (long)p), (await node.Tier.Events.ReadAsync(0, long.MaxValue)).Events.Select(e => e.Id));

        // The log goes on with 128-position segments: the next one sealed covers 129 to 256.
        var retention = new LogRetention(10_000, TimeSpan.FromHours(1));
        var appended = await log.AppendAsync([.. Enumerable.Range(0, 2 * LogSegment.FirstSize - Head).Select(n => new LogAppend(now, Stored(0).Event, null))], retention, LogFanOut.AfterCommit);
        Assert.Equal(2L * LogSegment.FirstSize, appended[^1]);
        await WaitForWriteAsync(grainId, "log-segment-1");
        var sealedSegment = new StoredRecord<LogSegment>();
        await cluster.Storage.Inner.ReadStateAsync("log-segment-1", grainId, sealedSegment);
        Assert.Equal(Enumerable.Range(LogSegment.FirstSize + 1, LogSegment.FirstSize).Select(p => (long)p), sealedSegment.State.Items.Select(i => i.Position));
    }

    [Fact]
    public async Task Chat_history_is_kept_per_channel_capped_and_survives_a_reactivation()
    {
        var node = await StartNodeAsync();
        var now = DateTimeOffset.UtcNow;
        for (var id = 1; id <= 1_100; id++)
        {
            await node.History.AppendAsync(new ServerEvents.History.ChatMessage(id, id % 2 == 0 ? "even" : "odd", "u", "ann", "Ann", $"m{id}", false, now));
        }

        var grain = cluster.Cluster.Client.GetGrain<Grains.History.IChatHistoryGrain>($"{_scope}/even");
        await cluster.Cluster.DeactivateAsync(grain.GetGrainId());
        await cluster.Cluster.WaitForDeactivationAsync(grain.GetGrainId());

        var even = await node.History.GetAsync(["even"], 0, 10_000);
        Assert.All(even, m => Assert.Equal("even", m.Channel));
        Assert.Equal(1_100, even[^1].Id);
        Assert.InRange(even.Count, 500, 550);
        Assert.Equal(even.Select(m => m.Id).Order(), even.Select(m => m.Id));
        Assert.Equal([1_096L, 1_097, 1_098, 1_099, 1_100], (await node.History.GetAsync(["even", "odd"], 1_095, 10)).Select(m => m.Id));
        Assert.Equal(even.Count, await node.History.ClearAsync("even"));
        Assert.Empty(await node.History.GetAsync(["even"], 0, 10));
    }

    private async Task<OrleansTierNode> StartNodeAsync(IDictionary<string, string?>? settings = null, EventLogRetention? retention = null)
    {
        var merged = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ServerEvents:ChatHistoryPerChannel"] = "500",
        };
        var node = await OrleansTierNode.StartAsync(cluster, _scope, retention, settings: merged);
        _nodes.Add(node);
        return node;
    }

    private async Task WaitForWriteAsync(GrainId grainId, string stateName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!cluster.Storage.Writes.Any(w => w.GrainId == grainId.ToString() && w.StateName == stateName))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{stateName} was never written");
            await Task.Delay(20);
        }
    }

    private int ScopeWrites() => cluster.Storage.Writes.Count(w => w.GrainId.Contains(_scope, StringComparison.Ordinal));

    // Every write of the scope but the node registry's renewals and the event log's own records, which run on timers.
    private int DirectoryWrites() => cluster.Storage.Writes.Count(w => w.GrainId.Contains(_scope, StringComparison.Ordinal)
        && !w.GrainId.StartsWith("noderegistry/", StringComparison.Ordinal) && !w.GrainId.StartsWith("eventlog/", StringComparison.Ordinal));

    private int ChunkWrites(string grainId) => cluster.Storage.Writes.Count(w => w.GrainId == grainId && w.StateName.StartsWith("log-chunk-", StringComparison.Ordinal));

    private static readonly Dictionary<string, string?> FanOutBeforeCommit = new() { ["ServerEvents:Cluster:Orleans:FanOut"] = "BeforeCommit" };

    private static Dictionary<string, string?> Transport(FanOutTransport transport, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["ServerEvents:Cluster:Orleans:FanOutTransport"] = transport.ToString() };
        foreach (var (key, value) in more)
        {
            settings["ServerEvents:Cluster:Orleans:" + key] = value;
        }

        return settings;
    }

    private static SubscriptionInfo Member(string nodeId, string id, DateTimeOffset now) => new()
    {
        Id = id,
        UserId = "-" + id,
        DisplayName = id,
        Channels = ["hot"],
        CreatedAt = now,
        NodeId = nodeId,
    };

    private static string TraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    private static OutgoingEvent Feed(string body, string? traceParent = null) =>
        new(new EventTarget(EventTargetKind.Channel, "feed"), "feed@cmd.item", $"\"{body}\"") { TraceParent = traceParent };

    private static async Task<long> PublishWithRetryAsync(IClusterTier tier, OutgoingEvent outgoing)
    {
        // A refused publish is retried by the caller, as a client retries a 503.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await tier.Events.PublishAsync(outgoing);
            }
            catch (ClusterBusyException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
