using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerEvents.Cluster;
using ServerEvents.Postgres.Events;
using ServerEvents.Postgres.Schema;
using ServerEvents.Subscriptions;

namespace ServerEvents.Postgres.Tests;

/// <summary>What the PostgreSQL tier does beyond the shared contract: several nodes, lost connections, the schema.</summary>
public sealed class PostgresClusterTierTests : IAsyncLifetime
{
    // A JSON string over NOTIFY's 8,000-byte payload limit, so its row is read from the log.
    private static readonly string TooLargeForNotification = "\"" + new string('x', 20_000) + "\"";

    private readonly TestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Nodes_starting_together_migrate_the_schema_once_and_a_later_start_changes_nothing()
    {
        var hosts = Enumerable.Range(0, 4).Select(_ => PostgresNode.Build(_schema.Name)).ToList();
        await Task.WhenAll(hosts.Select(h => h.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None)));
        await hosts[0].Services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
        hosts.ForEach(h => h.Dispose());

        // Each migration once (their numbers may have gaps where a branch's migration has not landed).
        var migrations = typeof(SchemaMigrator).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal));
        Assert.Equal((long)migrations, await PostgresTestDatabase.ScalarAsync($"""SELECT count(*) FROM "{_schema.Name}".schema_migrations"""));
        Assert.Equal(SchemaMigrator.LatestVersion, await PostgresTestDatabase.ScalarAsync($"""SELECT max(version) FROM "{_schema.Name}".schema_migrations"""));
        Assert.Equal(0L, await PostgresTestDatabase.ScalarAsync($"""SELECT position FROM "{_schema.Name}".event_log_head"""));
    }

    [Fact]
    public async Task The_logs_epoch_survives_a_restart_and_a_recreated_schema_gets_another_whose_positions_start_again()
    {
        string epoch;
        long position;
        await using (var before = await PostgresNode.StartAsync(_schema.Name))
        {
            epoch = before.Tier.Events.Epoch;
            position = await before.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.x", "1"));
        }

        await using (var restarted = await PostgresNode.StartAsync(_schema.Name))
        {
            Assert.Equal(epoch, restarted.Tier.Events.Epoch);
            Assert.Equal(epoch, (await restarted.Tier.Events.ReadAsync(0, long.MaxValue)).Epoch);
        }

        // The database is recreated: its log numbers from 1 again, so the old cursor's number is issued anew, and
        // only the epoch tells the two logs apart.
        await PostgresTestDatabase.DropSchemaAsync(_schema.Name);
        var recreated = await StartNodeAsync();
        var reissued = await recreated.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.x", "2"));

        Assert.Equal(position, reissued);
        Assert.NotEqual(epoch, recreated.Tier.Events.Epoch);
        Assert.Equal(recreated.Tier.Events.Epoch, (await recreated.Tier.Events.ReadAsync(0, long.MaxValue)).Epoch);
    }

    [Fact]
    public async Task Two_nodes_see_every_event_and_signal_in_the_same_order_whichever_node_published_it()
    {
        var first = await StartNodeAsync();
        var second = await StartNodeAsync();
        var sinks = new[] { new RecordingSink(), new RecordingSink() };
        using var a = first.Tier.Events.Attach(sinks[0]);
        using var b = second.Tier.Events.Attach(sinks[1]);

        await Task.WhenAll(new[] { first, second }.SelectMany((node, n) => Enumerable.Range(0, 3).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await node.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.x", $"\"{n}{p}-{i}\""));
                await node.Tier.Events.SignalAsync(new ClusterSignal(ClusterSignalKind.Disconnect, $"{n}{p}-{i}"));
            }
        }))));

        var seen = await Task.WhenAll(sinks.Select(s => s.WaitForCountAsync(240)));
        Assert.Equal(seen[0].Select(Describe), seen[1].Select(Describe));
        var ids = seen[0].OfType<ClusterEvent>().Select(e => e.Id).ToList();
        Assert.Equal(ids.Order().Distinct(), ids); // strictly increasing: sorted and never repeated
    }

    [Fact]
    public async Task A_node_that_loses_its_listen_connection_reconnects_and_catches_up_without_gaps()
    {
        var listener = await StartNodeAsync();
        var publisher = await StartNodeAsync();
        var sink = new RecordingSink();
        using var attachment = listener.Tier.Events.Attach(sink);
        var published = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            published.Add(await publisher.Tier.Events.PublishAsync(Numbered(i)));
        }

        await sink.WaitForCountAsync(10);
        Assert.True(await PostgresTestDatabase.TerminateListenersAsync(_schema.Name) >= 2);
        for (var i = 10; i < 60; i++)
        {
            published.Add(await publisher.Tier.Events.PublishAsync(Numbered(i)));
        }

        await sink.WaitForCountAsync(60);
        Assert.Equal(published, sink.Events.Select(e => e.Id));
    }

    [Fact]
    public async Task An_event_too_large_for_a_notification_is_read_from_the_log_in_its_turn()
    {
        var node = await StartNodeAsync();
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);

        var ids = new[]
        {
            await node.Tier.Events.PublishAsync(Numbered(1)),
            await node.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.large", TooLargeForNotification)),
            await node.Tier.Events.PublishAsync(Numbered(3)),
        };

        await sink.WaitForCountAsync(3);
        Assert.Equal(ids, sink.Events.Select(e => e.Id));
        Assert.Equal(TooLargeForNotification, sink.Events[1].Body);
    }

    [Fact]
    public async Task Publishes_handed_over_together_are_appended_in_their_order_with_consecutive_positions()
    {
        var node = await StartNodeAsync();
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);

        // Not awaited one by one: the node's appender batches what waits, in the order it was handed over.
        var pending = Enumerable.Range(0, 50)
            .Select(i => node.Tier.Events.PublishAsync(i == 25 ? new OutgoingEvent(EventTarget.All, "cmd.large", TooLargeForNotification) : Numbered(i)).AsTask())
            .ToList();
        var ids = await Task.WhenAll(pending);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => ids[0] + i), ids);
        await sink.WaitForCountAsync(50);
        Assert.Equal(ids, sink.Events.Select(e => e.Id));
        Assert.Equal(TooLargeForNotification, sink.Events[25].Body);
    }

    [Fact]
    public async Task The_periodic_trim_deletes_what_retention_drops_and_remembers_how_far_it_went()
    {
        var node = await StartNodeAsync(new EventLogRetention(3, TimeSpan.FromHours(1)));
        var ids = await AppendEventsEachFollowedBySignalAsync(node, 8);

        var trimmed = await node.Services.GetRequiredService<EventLogTrimmer>().TrimAsync(CancellationToken.None);
        var slice = await node.Tier.Events.ReadAsync(0, long.MaxValue);

        // The five oldest events went, and so did the four signals between them, which nobody can need any more.
        Assert.Equal(9, trimmed);
        Assert.Equal(ids[4] + 1, await PostgresTestDatabase.ScalarAsync($"""SELECT min(position) FROM "{_schema.Name}".event_log"""));
        Assert.Equal(ids[4], await PostgresTestDatabase.ScalarAsync($"""SELECT evicted_through FROM "{_schema.Name}".event_log_eviction"""));
        Assert.Equal(ids[^3..], slice.Events.Select(e => e.Id));
        Assert.Equal(ids[4], slice.EvictedThrough);
    }

    [Fact]
    public async Task The_periodic_trim_drops_what_is_older_than_the_retention_age_replayable_or_not()
    {
        var node = await StartNodeAsync(new EventLogRetention(100, TimeSpan.FromMinutes(1)));
        var events = await AppendEventsEachFollowedBySignalAsync(node, 3);

        // The log is E0 S0 E1 S1 E2 S2. Age the first event and the middle signal past the retention age.
        var log = await LogPositionsAsync();
        Assert.Equal(events, [log[0], log[2], log[4]]);
        await PostgresTestDatabase.ScalarAsync(
            $"""UPDATE "{_schema.Name}".event_log SET created_at = now() - interval '2 minutes' WHERE position IN ($1, $2)""", log[0], log[3]);

        var trimmed = await node.Services.GetRequiredService<EventLogTrimmer>().TrimAsync(CancellationToken.None);

        // E0 goes by age and moves the eviction mark; S1 goes by age alone; S0, younger and past the mark, stays.
        Assert.Equal(2, trimmed);
        Assert.Equal([log[1], log[2], log[4], log[5]], await LogPositionsAsync());
        Assert.Equal(log[0], await PostgresTestDatabase.ScalarAsync($"""SELECT evicted_through FROM "{_schema.Name}".event_log_eviction"""));
    }

    [Fact]
    public async Task The_log_keeps_at_most_replay_retention_bytes_of_the_newest_events_and_the_trim_deletes_the_rest()
    {
        var node = await StartNodeAsync(new EventLogRetention(10_000, TimeSpan.FromHours(1)) { MaxBytes = 20_000 });
        var body = JsonSerializer.Serialize(new string('x', 2_000));
        var ids = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await node.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.big", body)));
        }

        var slice = await node.Tier.Events.ReadAsync(0, long.MaxValue);

        // Each stored entry is a little over 2,000 bytes, so the newest nine at most fit in 20,000 and the rest go.
        var kept = slice.Events.Select(e => e.Id).ToList();
        Assert.Equal(ids.TakeLast(kept.Count), kept);
        Assert.InRange(kept.Count, 8, 9);
        Assert.Equal(ids[^(kept.Count + 1)], slice.EvictedThrough);
        Assert.Equal(kept[0], slice.OldestAvailableId);
        var keptBytes = await PostgresTestDatabase.ScalarAsync(
            $"""SELECT sum(size) FROM "{_schema.Name}".event_log WHERE position > $1""", slice.EvictedThrough);
        Assert.InRange(Convert.ToInt64(keptBytes, System.Globalization.CultureInfo.InvariantCulture), 16_000, 20_000);

        var trimmed = await node.Services.GetRequiredService<EventLogTrimmer>().TrimAsync(CancellationToken.None);
        Assert.Equal(20 - kept.Count, trimmed);
        Assert.Equal(kept[0], await PostgresTestDatabase.ScalarAsync($"""SELECT min(position) FROM "{_schema.Name}".event_log"""));
        Assert.Equal(slice.EvictedThrough, await PostgresTestDatabase.ScalarAsync($"""SELECT evicted_through FROM "{_schema.Name}".event_log_eviction"""));
    }

    [Fact]
    public async Task The_trim_reads_the_log_by_index_and_stays_below_the_JIT_threshold()
    {
        var node = await StartNodeAsync();
        await PostgresTestDatabase.ScalarAsync($"""
            INSERT INTO "{_schema.Name}".event_log (position, kind, replayable, created_at, payload)
            SELECT g, 0, g % 3 <> 0, now(), 'x' FROM generate_series(1, 20000) AS g
            """);
        await PostgresTestDatabase.ScalarAsync($"""ANALYZE "{_schema.Name}".event_log""");

        // EXPLAIN of the statement exactly as the trimmer sends it, with its parameters.
        var dataSource = node.Services.GetRequiredService<NpgsqlDataSource>();
        await using var explain = dataSource.CreateCommand("EXPLAIN (FORMAT JSON) " + EventLogTrimmer.TrimSql);
        RetentionCutoff.AddParameters(explain, new EventLogRetention(10_000, TimeSpan.FromMinutes(5)), DateTimeOffset.UtcNow);
        var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!).RootElement[0].GetProperty("Plan");
        await using var threshold = dataSource.CreateCommand("SELECT current_setting('jit_above_cost')::float8");
        var jitAboveCost = (double)(await threshold.ExecuteScalarAsync())!;

        Assert.True(plan.GetProperty("Total Cost").GetDouble() < jitAboveCost, plan.ToString());
        Assert.DoesNotContain("Seq Scan on event_log", Nodes(plan));

        static IEnumerable<string> Nodes(JsonElement node) =>
            node.TryGetProperty("Plans", out var children)
                ? children.EnumerateArray().SelectMany(Nodes).Prepend(NodeName(node))
                : [NodeName(node)];

        static string NodeName(JsonElement node) =>
            node.GetProperty("Node Type").GetString() + (node.TryGetProperty("Relation Name", out var relation) ? " on " + relation.GetString() : "");
    }

    [Fact]
    public async Task A_heartbeat_for_a_subscription_of_a_node_that_stopped_renewing_is_refused()
    {
        var node = await StartNodeAsync();
        await PostgresTestDatabase.ScalarAsync($"""INSERT INTO "{_schema.Name}".nodes VALUES ('gone', now() - interval '1 hour', now() - interval '1 minute')""");
        var orphan = new SubscriptionInfo { Id = "orphan", UserId = "-1", DisplayName = "user1", Channels = ["home"], NodeId = "gone" };
        var alive = orphan with { Id = "alive", NodeId = node.NodeId };
        await node.Tier.Directory.AddAsync(orphan, DateTimeOffset.UtcNow);
        await node.Tier.Directory.AddAsync(alive, DateTimeOffset.UtcNow);

        Assert.Null(await node.Tier.Directory.PulseAsync("orphan", DateTimeOffset.UtcNow));
        Assert.NotNull(await node.Tier.Directory.PulseAsync("alive", DateTimeOffset.UtcNow));
        Assert.NotNull(await node.Tier.Directory.GetAsync("orphan"));
    }

    [Fact]
    public async Task The_health_check_passes_while_the_database_answers()
    {
        var node = await StartNodeAsync();

        await node.Tier.CheckHealthAsync();
    }

    private async Task<PostgresNode> StartNodeAsync(EventLogRetention? retention = null)
    {
        return _schema.Own(await PostgresNode.StartAsync(_schema.Name, retention));
    }

    private static async Task<List<long>> AppendEventsEachFollowedBySignalAsync(PostgresNode node, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await node.Tier.Events.PublishAsync(Numbered(i)));
            await node.Tier.Events.SignalAsync(new ClusterSignal(ClusterSignalKind.Disconnect, "x" + i));
        }

        return ids;
    }

    private async Task<long[]> LogPositionsAsync() =>
        (long[])(await PostgresTestDatabase.ScalarAsync($"""SELECT array_agg(position ORDER BY position) FROM "{_schema.Name}".event_log"""))!;

    private static OutgoingEvent Numbered(int n) =>
        new(new EventTarget(EventTargetKind.Channel, "home"), "home@cmd.n", n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Describe(object item) => item switch
    {
        ClusterEvent e => $"{e.Id} {e.Body}",
        ClusterSignal s => "signal " + s.SubscriptionId,
        _ => item.ToString()!,
    };
}
