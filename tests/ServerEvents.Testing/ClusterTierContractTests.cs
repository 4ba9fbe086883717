using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ServerEvents.Cluster;
using ServerEvents.Subscriptions;
using Xunit;

namespace ServerEvents.Testing;

/// <summary>A cluster tier started for one test.</summary>
/// <param name="tier">The tier.</param>
/// <param name="liveNodeId">A node id the tier considers alive, for subscriptions that must accept heartbeats.</param>
/// <param name="stop">Stops the tier and releases what it holds.</param>
public sealed class StartedClusterTier(IClusterTier tier, string liveNodeId, Func<ValueTask> stop) : IAsyncDisposable
{
    /// <summary>The tier.</summary>
    public IClusterTier Tier { get; } = tier;

    /// <summary>A node id the tier considers alive.</summary>
    public string LiveNodeId { get; } = liveNodeId;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => stop();
}

/// <summary>
/// What every <see cref="IClusterTier"/> must do, whatever holds its state. A test project derives from it once
/// per implementation and says how to start that implementation; every test starts its own, empty tier.
/// </summary>
public abstract class ClusterTierContractTests : IAsyncLifetime
{
    private static readonly EventLogRetention Generous = new(10_000, TimeSpan.FromMinutes(5));

    private readonly List<StartedClusterTier> _started = [];

    /// <summary>The clock every tier of this test reads.</summary>
    protected ManualTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Starts an empty tier with this retention, reading <paramref name="time"/>.</summary>
    protected abstract Task<StartedClusterTier> StartTierAsync(EventLogRetention retention, TimeProvider time);

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var started in _started)
        {
            await started.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_subscription_reads_back_with_every_field_and_an_unknown_id_reads_null()
    {
        var (tier, node) = await StartAsync();
        var full = Subscription(node, "full", ["home", "work"]) with
        {
            UserName = "ann",
            SessionId = "session-1",
            ProfileUrl = "https://example.test/ann.png",
            IsAuthenticated = true,
            Meta = new Dictionary<string, string> { ["team"] = "blue", ["emoji"] = "✓" },
        };
        var bare = Subscription(node, "bare", ["*"]);

        await tier.Directory.AddAsync(full, Time.GetUtcNow());
        await tier.Directory.AddAsync(bare, Time.GetUtcNow());

        AssertSame(full, await tier.Directory.GetAsync("full"));
        AssertSame(bare, await tier.Directory.GetAsync("bare"));
        Assert.Null(await tier.Directory.GetAsync("missing"));
    }

    [Fact]
    public async Task Removing_returns_the_subscription_once()
    {
        var (tier, node) = await StartAsync();
        var info = Subscription(node, "a", ["home"]);
        await tier.Directory.AddAsync(info, Time.GetUtcNow());

        AssertSame(info, await tier.Directory.RemoveAsync("a"));
        Assert.Null(await tier.Directory.RemoveAsync("a"));
        Assert.Null(await tier.Directory.GetAsync("a"));
    }

    [Fact]
    public async Task A_pulse_returns_the_subscription_and_keeps_it_from_expiring()
    {
        var (tier, node) = await StartAsync();
        var start = Time.GetUtcNow();
        await tier.Directory.AddAsync(Subscription(node, "pulsed", ["home"]), start);
        await tier.Directory.AddAsync(Subscription(node, "silent", ["home"]), start);

        var pulsed = await tier.Directory.PulseAsync("pulsed", start.AddSeconds(20));
        var expired = await tier.Directory.RemoveIdleAsync(start.AddSeconds(10));

        Assert.Equal("pulsed", pulsed?.Id);
        Assert.Equal(["silent"], expired.Select(s => s.Id));
        Assert.NotNull(await tier.Directory.GetAsync("pulsed"));
        Assert.Null(await tier.Directory.PulseAsync("missing", start));
    }

    [Fact]
    public async Task Updating_channels_leaves_first_then_joins_keeping_the_order()
    {
        var (tier, node) = await StartAsync();
        await tier.Directory.AddAsync(Subscription(node, "a", ["one", "two", "three"]), Time.GetUtcNow());

        var change = await tier.Directory.UpdateChannelsAsync("a", ["two", "four"], ["four", "one", "five", "four"]);

        Assert.NotNull(change);
        Assert.Equal(["one", "two", "three"], change.Before.Channels);
        Assert.Equal(["one", "three", "four", "five"], change.After.Channels);
        Assert.Equal(["one", "three", "four", "five"], (await tier.Directory.GetAsync("a"))!.Channels);
        Assert.Null(await tier.Directory.UpdateChannelsAsync("missing", [], ["one"]));
    }

    [Fact]
    public async Task A_user_lookup_returns_only_that_users_subscriptions()
    {
        var (tier, node) = await StartAsync();
        await tier.Directory.AddAsync(Subscription(node, "a1", ["home"], userId: "a"), Time.GetUtcNow());
        await tier.Directory.AddAsync(Subscription(node, "b1", ["home"], userId: "b"), Time.GetUtcNow());
        await tier.Directory.AddAsync(Subscription(node, "a2", ["work"], userId: "a"), Time.GetUtcNow());

        var found = await tier.Directory.GetByUserIdAsync("a");

        Assert.Equal(["a1", "a2"], found.Select(s => s.Id).Order());
        Assert.Empty(await tier.Directory.GetByUserIdAsync("nobody"));
    }

    [Fact]
    public async Task A_channel_lookup_returns_each_matching_subscription_once_and_everyone_when_no_channel_is_given()
    {
        var (tier, node) = await StartAsync();
        await tier.Directory.AddAsync(Subscription(node, "both", ["home", "work"]), Time.GetUtcNow());
        await tier.Directory.AddAsync(Subscription(node, "home", ["home"]), Time.GetUtcNow());
        await tier.Directory.AddAsync(Subscription(node, "other", ["other"]), Time.GetUtcNow());

        Assert.Equal(["both", "home"], (await tier.Directory.GetByChannelsAsync(["home", "work"])).Select(s => s.Id).Order());
        Assert.Equal(["both", "home", "other"], (await tier.Directory.GetByChannelsAsync(null)).Select(s => s.Id).Order());
        Assert.Equal(["both", "home", "other"], (await tier.Directory.GetByChannelsAsync([])).Select(s => s.Id).Order());
        Assert.Empty(await tier.Directory.GetByChannelsAsync(["nowhere"]));
    }

    [Fact]
    public async Task Each_idle_subscription_is_handed_to_exactly_one_of_many_concurrent_sweeps()
    {
        var (tier, node) = await StartAsync();
        var start = Time.GetUtcNow();
        var idle = Enumerable.Range(0, 60).Select(i => Subscription(node, $"idle-{i}", ["home"])).ToList();
        foreach (var info in idle)
        {
            await tier.Directory.AddAsync(info, start);
        }

        await tier.Directory.AddAsync(Subscription(node, "alive", ["home"]), start.AddMinutes(1));

        var sweeps = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () => await tier.Directory.RemoveIdleAsync(start.AddSeconds(30)))));

        var expired = sweeps.SelectMany(s => s).Select(s => s.Id).ToList();
        Assert.Equal(idle.Select(s => s.Id).Order(), expired.Order());
        Assert.Equal(["alive"], (await tier.Directory.GetByChannelsAsync(null)).Select(s => s.Id));
    }

    [Fact]
    public async Task Clearing_removes_every_subscription()
    {
        var (tier, node) = await StartAsync();
        await tier.Directory.AddAsync(Subscription(node, "a", ["home"]), Time.GetUtcNow());
        await tier.Directory.AddAsync(Subscription(node, "b", ["work"]), Time.GetUtcNow());

        await tier.Directory.ClearAsync();

        Assert.Empty(await tier.Directory.GetByChannelsAsync(null));
        Assert.Null(await tier.Directory.GetAsync("a"));
    }

    [Fact]
    public async Task Each_named_sequence_starts_at_one_and_a_reservation_takes_consecutive_values()
    {
        var (tier, _) = await StartAsync();

        Assert.Equal(1, await tier.Sequences.ReserveAsync("a", 1));
        Assert.Equal(2, await tier.Sequences.ReserveAsync("a", 1));
        Assert.Equal(1, await tier.Sequences.ReserveAsync("b", 1));
        Assert.Equal(3, await tier.Sequences.ReserveAsync("a", 10));
        Assert.Equal(13, await tier.Sequences.ReserveAsync("a", 1));
        Assert.Equal(2, await tier.Sequences.ReserveAsync("b", 100));
        Assert.Equal(102, await tier.Sequences.ReserveAsync("b", 1));
    }

    [Fact]
    public async Task Concurrent_reservations_never_share_a_value()
    {
        var (tier, _) = await StartAsync();

        // Mixed sizes, so a reservation that counted its block wrongly would overlap its neighbour.
        var ranges = await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = 0; i < 40; i++)
            {
                var count = 1 + ((caller + i) % 3);
                var first = await tier.Sequences.ReserveAsync("shared", count);
                mine.AddRange(Enumerable.Range(0, count).Select(offset => first + offset));
            }

            return mine;
        })));

        var values = ranges.SelectMany(v => v).Order().ToList();
        Assert.Equal(Enumerable.Range(1, values.Count).Select(v => (long)v), values);
    }

    [Fact]
    public async Task A_key_keeps_the_value_it_was_first_given_and_no_other_key_or_reservation_gets_it()
    {
        var (tier, _) = await StartAsync();

        var ada = await tier.Sequences.GetOrReserveAsync("users", "ada");
        var reserved = await tier.Sequences.ReserveAsync("users", 1);
        var bob = await tier.Sequences.GetOrReserveAsync("users", "bob");

        Assert.Equal(1, ada);
        Assert.Equal([1L, 2L, 3L], new[] { ada, reserved, bob }.Order());
        Assert.Equal(ada, await tier.Sequences.GetOrReserveAsync("users", "ada"));
        Assert.Equal(bob, await tier.Sequences.GetOrReserveAsync("users", "bob"));

        // The same key in another sequence is another key.
        Assert.Equal(1, await tier.Sequences.GetOrReserveAsync("others", "ada"));
        Assert.Equal(4, await tier.Sequences.ReserveAsync("users", 1));
    }

    [Fact]
    public async Task Callers_racing_for_a_new_key_all_get_one_value()
    {
        var (tier, _) = await StartAsync();

        var keys = Enumerable.Range(0, 4).Select(k => "session-" + k).ToList();
        var answers = await Task.WhenAll(keys.SelectMany(key => Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            (Key: key, Value: await tier.Sequences.GetOrReserveAsync("users", key))))));

        var byKey = answers.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Select(a => a.Value).Distinct().ToList());
        Assert.All(byKey.Values, values => Assert.Single(values));
        Assert.Equal(keys.Count, byKey.Values.Select(v => v[0]).Distinct().Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_reservation_of_no_values_is_refused(int count)
    {
        var (tier, _) = await StartAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await tier.Sequences.ReserveAsync("a", count));
        Assert.Equal(1, await tier.Sequences.ReserveAsync("a", 1));
    }

    [Fact]
    public async Task Positions_strictly_increase_and_the_head_is_the_newest()
    {
        var (tier, _) = await StartAsync();
        var positions = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            if (i % 3 == 0)
            {
                await tier.Events.SignalAsync(new ClusterSignal(ClusterSignalKind.Disconnect, "x"));
            }

            positions.Add(await tier.Events.PublishAsync(ToChannel("home", i)));
        }

        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
        Assert.True(positions[0] > 0);
        Assert.Equal(positions[^1], (await tier.Events.ReadAsync(0, long.MaxValue)).Head);
    }

    [Fact]
    public async Task Sinks_see_events_and_signals_in_position_order_while_publishers_race()
    {
        const int Publishers = 4;
        const int PerPublisher = 25;
        var (tier, _) = await StartAsync();
        var sink = new RecordingSink();
        using var attachment = tier.Events.Attach(sink);

        var published = await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            var ids = new List<long>();
            for (var n = 0; n < PerPublisher; n++)
            {
                ids.Add(await tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.item", $"\"{p}-{n}\"")));
                await tier.Events.SignalAsync(new ClusterSignal(ClusterSignalKind.Disconnect, $"{p}-{n}"));
            }

            return ids;
        })));

        var items = await sink.WaitForCountAsync(Publishers * PerPublisher * 2);
        var events = items.OfType<ClusterEvent>().ToList();
        Assert.Equal(events.Select(e => e.Id).Order().Distinct(), events.Select(e => e.Id));
        Assert.Equal(published.SelectMany(ids => ids).Order(), events.Select(e => e.Id));

        // Each publisher awaited every call, so its events and signals were committed alternately: a sink must see
        // them alternate too, or a signal overtook (or fell behind) the event published just before it.
        for (var p = 0; p < Publishers; p++)
        {
            var expected = Enumerable.Range(0, PerPublisher).SelectMany(n => new[] { $"event {p}-{n}", $"signal {p}-{n}" });
            var publisher = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var seen = items.Select(Label).Where(label => label.Split(' ', '-')[1] == publisher);
            Assert.Equal(expected, seen);
        }
    }

    [Fact]
    public async Task A_sink_is_told_where_its_fan_out_starts_and_gets_only_what_follows()
    {
        var (tier, _) = await StartAsync();
        var before = await tier.Events.PublishAsync(ToChannel("home", 1));
        var sink = new RecordingSink();
        using var attachment = tier.Events.Attach(sink);

        var after = await tier.Events.PublishAsync(ToChannel("home", 2));

        // A tier may still be handing out earlier events when the sink attaches; it must say so by where it starts.
        await sink.WaitForAsync(items => items.OfType<ClusterEvent>().Any(e => e.Id == after));
        Assert.NotNull(sink.AttachedAt);
        Assert.Equal(new[] { before, after }.Where(id => id > sink.AttachedAt), sink.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task A_sink_that_fails_once_still_gets_the_event_before_the_next_one()
    {
        var (tier, _) = await StartAsync();
        var sink = new RecordingSink();
        using var attachment = tier.Events.Attach(sink);
        await sink.WaitForAsync(_ => sink.AttachedAt is not null);

        sink.FailNext(1);
        var first = await tier.Events.PublishAsync(ToChannel("home", 1));
        var second = await tier.Events.PublishAsync(ToChannel("home", 2));

        await sink.WaitForAsync(items => items.OfType<ClusterEvent>().Any(e => e.Id == second));
        Assert.Equal([first, second], sink.Events.Select(e => e.Id));
        Assert.Single(sink.Attachments);
    }

    [Fact]
    public async Task A_sink_that_keeps_failing_is_re_attached_after_the_event_it_missed_so_it_catches_up_from_the_log()
    {
        var (tier, _) = await StartAsync();
        var sink = new RecordingSink();
        using var attachment = tier.Events.Attach(sink);
        await sink.WaitForAsync(_ => sink.AttachedAt is not null);

        sink.FailNext(int.MaxValue);
        var missed = await tier.Events.PublishAsync(ToChannel("home", 1));
        await sink.WaitForAsync(_ => sink.Attachments.Count > 1);
        sink.FailNext(0);
        var next = await tier.Events.PublishAsync(ToChannel("home", 2));

        // The watermark never silently passes the missed event: the sink is told it starts after it, and the
        // event is still in the log for the streams that resume.
        await sink.WaitForAsync(items => items.OfType<ClusterEvent>().Any(e => e.Id == next));
        Assert.Equal(missed, sink.AttachedAt);
        Assert.Equal([next], sink.Events.Select(e => e.Id));
        Assert.Contains(missed, (await tier.Events.ReadAsync(0, long.MaxValue)).Events.Select(e => e.Id));
    }

    [Fact]
    public async Task A_read_returns_only_replayable_events_between_the_bounds_in_order()
    {
        var (tier, _) = await StartAsync();
        var first = await tier.Events.PublishAsync(ToChannel("home", 1));
        await tier.Events.PublishAsync(new OutgoingEvent(new EventTarget(EventTargetKind.Subscription, "sub"), "cmd.onHeartbeat", "{}"));
        await tier.Events.SignalAsync(new ClusterSignal(ClusterSignalKind.Disconnect, "sub"));
        var user = await tier.Events.PublishAsync(new OutgoingEvent(new EventTarget(EventTargetKind.UserId, "7", "home"), "cmd.private", "\"hi\""));
        var all = await tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.note", string.Empty));
        var last = await tier.Events.PublishAsync(ToChannel("work", 2));

        var everything = await tier.Events.ReadAsync(0, last);
        var middle = await tier.Events.ReadAsync(first, all);

        Assert.Equal([first, user, all, last], everything.Events.Select(e => e.Id));
        Assert.Equal([user, all], middle.Events.Select(e => e.Id));
        var privateMessage = everything.Events[1];
        Assert.Equal(new EventTarget(EventTargetKind.UserId, "7", "home"), privateMessage.Target);
        Assert.Equal("cmd.private", privateMessage.Selector);
        Assert.Equal("\"hi\"", privateMessage.Body);
        Assert.Equal(string.Empty, everything.Events[2].Body);
        Assert.Equal("work@cmd.item", everything.Events[3].Selector);
        Assert.True(everything.EvictedThrough < first, "nothing this log issued has been evicted");
        Assert.Equal(first, everything.OldestAvailableId);
    }

    [Fact]
    public async Task Retention_by_count_keeps_the_newest_and_reports_what_was_evicted()
    {
        var (tier, _) = await StartAsync(new EventLogRetention(3, TimeSpan.FromHours(1)));
        var positions = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            positions.Add(await tier.Events.PublishAsync(ToChannel("home", i)));
            await tier.Events.PublishAsync(new OutgoingEvent(new EventTarget(EventTargetKind.Subscription, "sub"), "cmd.onHeartbeat", "{}"));
        }

        var slice = await tier.Events.ReadAsync(0, long.MaxValue);

        Assert.Equal(positions[^3..], slice.Events.Select(e => e.Id));
        Assert.Equal(positions[2], slice.EvictedThrough);
        Assert.Equal(positions[3], slice.OldestAvailableId);
    }

    [Fact]
    public async Task Retention_by_age_evicts_events_older_than_the_limit()
    {
        var (tier, _) = await StartAsync(new EventLogRetention(100, TimeSpan.FromMinutes(1)));
        await tier.Events.PublishAsync(ToChannel("home", 1));
        var old = await tier.Events.PublishAsync(ToChannel("home", 2));
        Time.Advance(TimeSpan.FromSeconds(61));
        var fresh = await tier.Events.PublishAsync(ToChannel("home", 3));

        var slice = await tier.Events.ReadAsync(0, long.MaxValue);

        Assert.Equal([fresh], slice.Events.Select(e => e.Id));
        Assert.Equal(old, slice.EvictedThrough);
        Assert.Equal(fresh, slice.OldestAvailableId);
    }

    [Fact]
    public async Task The_log_has_one_epoch_that_its_reads_repeat_and_another_log_has_another()
    {
        var (tier, _) = await StartAsync();
        var (other, _) = await StartAsync();
        var epoch = tier.Events.Epoch;
        await tier.Events.PublishAsync(ToChannel("home", 1));

        Assert.False(string.IsNullOrEmpty(epoch), "every log has an epoch");
        Assert.Equal(epoch, (await tier.Events.ReadAsync(0, long.MaxValue)).Epoch);
        Assert.Equal(epoch, tier.Events.Epoch);
        Assert.NotEqual(epoch, other.Events.Epoch);
        Assert.Equal(other.Events.Epoch, (await other.Events.ReadAsync(0, long.MaxValue)).Epoch);
    }

    [Fact]
    public async Task A_cursor_of_another_epoch_gets_a_replay_gap_even_inside_the_logs_range_and_its_own_epoch_is_replayed()
    {
        var (tier, _) = await StartAsync();
        await using var server = await LoopbackServer.StartAsync(
            o => o.NotifyChannelOfSubscriptions = false,
            build => build.Services.AddSingleton(tier));
        using var client = server.CreateClient();
        var epoch = tier.Events.Epoch;
        string cursor;
        await using (var first = await EventStreamReader.OpenAsync(client, "event-stream?channels=news"))
        {
            Assert.Equal(epoch, first.Connect["epoch"]);
            await server.ServerEvents.NotifyChannelAsync("news", "cmd.item", "seen");
            cursor = (await first.WaitForAsync("news@cmd.item")).Id;
        }

        // A witness on this node: once it has "missed 2", so has the node's dispatcher (a tier whose fan-out is
        // asynchronous, as Orleans streams are, may hand it over after the publish returned), and a stream opened
        // afterwards starts after it.
        await using var witness = await EventStreamReader.OpenAsync(client, "event-stream?channels=news");
        await server.ServerEvents.NotifyChannelAsync("news", "cmd.item", "missed 1");
        await server.ServerEvents.NotifyChannelAsync("news", "cmd.item", "missed 2");
        await witness.WaitForAsync(frame => frame.Selector == "cmd.item" && frame.Body == "\"missed 2\"");

        // Another log's cursor with a number this log has issued: a gap, then only live events.
        await using (var foreign = await EventStreamReader.OpenAsync(client, "event-stream?channels=news&epoch=another-log", cursor))
        {
            var gap = await foreign.NextAsync();
            Assert.Equal("cmd.onReplayGap", gap.Selector);
            Assert.Equal(long.Parse(cursor, CultureInfo.InvariantCulture), gap.Json.GetProperty("lastEventId").GetInt64());
            await server.ServerEvents.NotifyChannelAsync("news", "cmd.item", "live");
            Assert.Equal("\"live\"", (await foreign.NextAsync()).Body);
        }

        // This log's own epoch, and no epoch at all (ServiceStack's clients), resume by position.
        foreach (var query in new[] { "&epoch=" + Uri.EscapeDataString(epoch), string.Empty })
        {
            await using var resumed = await EventStreamReader.OpenAsync(client, "event-stream?channels=news" + query, cursor);
            Assert.Equal("\"missed 1\"", (await resumed.NextAsync()).Body);
            Assert.Equal("\"missed 2\"", (await resumed.NextAsync()).Body);
            Assert.Equal("\"live\"", (await resumed.NextAsync()).Body);
        }
    }

    /// <summary>Starts a tier for this test; it is stopped when the test ends.</summary>
    protected async Task<(IClusterTier Tier, string NodeId)> StartAsync(EventLogRetention? retention = null)
    {
        var started = await StartTierAsync(retention ?? Generous, Time);
        _started.Add(started);
        return (started.Tier, started.LiveNodeId);
    }

    /// <summary>A subscription created at the test clock's time (whole milliseconds, as every store keeps at least that).</summary>
    protected SubscriptionInfo Subscription(string nodeId, string id, IReadOnlyList<string> channels, string? userId = null) => new()
    {
        Id = id,
        UserId = userId ?? "-" + id,
        DisplayName = "user " + id,
        Channels = channels,
        CreatedAt = Time.GetUtcNow(),
        NodeId = nodeId,
    };

    private static OutgoingEvent ToChannel(string channel, int n) =>
        new(new EventTarget(EventTargetKind.Channel, channel), channel + "@cmd.item", n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Label(object item) => item switch
    {
        ClusterEvent e => "event " + e.Body.Trim('"'),
        ClusterSignal s => "signal " + s.SubscriptionId,
        _ => throw new InvalidOperationException(item.ToString()),
    };

    private static void AssertSame(SubscriptionInfo expected, SubscriptionInfo? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.NodeId, actual.NodeId);
        Assert.Equal(expected.UserId, actual.UserId);
        Assert.Equal(expected.UserName, actual.UserName);
        Assert.Equal(expected.DisplayName, actual.DisplayName);
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.ProfileUrl, actual.ProfileUrl);
        Assert.Equal(expected.IsAuthenticated, actual.IsAuthenticated);
        Assert.Equal(expected.Channels, actual.Channels);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.Meta.OrderBy(p => p.Key), actual.Meta.OrderBy(p => p.Key));
        Assert.Equal(expected.ToPublicInfo(), actual.ToPublicInfo());
    }
}
