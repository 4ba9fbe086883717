using System.Diagnostics;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Tests;

/// <summary>What the PostgreSQL tier adds to traces and metrics: the publish's context crosses nodes, and its listener counts its gaps and catch-ups.</summary>
public sealed class PostgresTelemetryTests : IAsyncLifetime
{
    // A JSON string over NOTIFY's 8,000-byte payload limit, so its row is read from the log.
    private static readonly string TooLargeForNotification = "\"" + new string('x', 20_000) + "\"";

    private readonly TestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task The_publish_trace_context_reaches_the_other_node_in_the_notification_and_from_the_log()
    {
        var publisher = await StartNodeAsync();
        var receiver = await StartNodeAsync();
        var sink = new RecordingSink();
        using var attachment = receiver.Tier.Events.Attach(sink);
        var inline = TraceParent();
        var large = TraceParent();

        await publisher.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.small", "1") { TraceParent = inline });
        await publisher.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.large", TooLargeForNotification) { TraceParent = large });
        await publisher.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.untraced", "3"));

        await sink.WaitForCountAsync(3);
        Assert.Equal([inline, large, null], sink.Events.Select(e => e.TraceParent));
    }

    [Fact]
    public async Task The_listener_counts_what_it_read_from_the_log_and_its_reconnects()
    {
        var receiver = await StartNodeAsync();
        var publisher = await StartNodeAsync();
        using var figures = new NodeFigures(receiver.Services);
        var sink = new RecordingSink();
        using var attachment = receiver.Tier.Events.Attach(sink);

        await publisher.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.large", TooLargeForNotification));
        await sink.WaitForCountAsync(1);
        await figures.WaitForAsync("serverevents.fanout.caught_up", 1);
        Assert.Equal(1, figures.Sum("serverevents.fanout.caught_up"));
        Assert.Equal(0, figures.Sum("serverevents.fanout.resubscriptions"));

        // Both nodes' listeners are cut: each reconnects, and reads from the log whatever it missed meanwhile.
        Assert.True(await PostgresTestDatabase.TerminateListenersAsync(_schema.Name) >= 2);
        for (var i = 0; i < 5; i++)
        {
            await publisher.Tier.Events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.x", $"{i}"));
        }

        await sink.WaitForCountAsync(6);
        await figures.WaitForAsync("serverevents.fanout.resubscriptions", 1);
        Assert.All(figures.Tags, tag => Assert.Equal(new KeyValuePair<string, object?>("serverevents.tier", "postgres"), tag));
    }

    private static string TraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    private async Task<PostgresNode> StartNodeAsync() => _schema.Own(await PostgresNode.StartAsync(_schema.Name));
}
