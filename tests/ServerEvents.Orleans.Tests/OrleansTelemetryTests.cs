using System.Diagnostics;
using ServerEvents.Cluster;

namespace ServerEvents.Orleans.Tests;

/// <summary>What the Orleans tier adds to traces and metrics: the publish's context rides the stream and the log, and gap fills are counted.</summary>
[Collection(OrleansClusterCollection.Name)]
public sealed class OrleansTelemetryTests(OrleansTestCluster cluster) : IAsyncLifetime
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

    [Fact]
    public async Task The_publish_trace_context_reaches_the_other_node_through_the_stream_and_through_a_gap_fill()
    {
        var publisher = await StartNodeAsync();
        var listener = await StartNodeAsync();
        using var figures = new NodeFigures(listener.Services);
        var sink = new RecordingSink();
        using var attachment = listener.Tier.Events.Attach(sink);
        using var lossy = LossyStreamFilter.Lose(_scope, batch => batch.Items.Any(i => i.Event?.Body == "\"lost\""));
        var lostContext = TraceParent();
        var nextContext = TraceParent();

        await publisher.Tier.Events.PublishAsync(Feed("lost", lostContext));
        await publisher.Tier.Events.PublishAsync(Feed("next", nextContext));
        await publisher.Tier.Events.PublishAsync(Feed("untraced", null));

        var items = await sink.WaitForCountAsync(3);
        Assert.Equal([lostContext, nextContext, null], items.OfType<ClusterEvent>().Select(e => e.TraceParent));
        Assert.True(lossy.Lost > 0, "the stream delivered what the test meant to lose");

        // The lost event was read from the log: one gap, at least one item filled.
        await figures.WaitForAsync("serverevents.fanout.caught_up", 1);
        Assert.True(figures.Sum("serverevents.fanout.gaps") >= 1, "the gap was counted");
        Assert.All(figures.Tags, tag => Assert.Equal(new KeyValuePair<string, object?>("serverevents.tier", "orleans"), tag));
    }

    private static string TraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    private static OutgoingEvent Feed(string body, string? traceParent) =>
        new(new EventTarget(EventTargetKind.Channel, "feed"), "feed@cmd.item", $"\"{body}\"") { TraceParent = traceParent };

    private async Task<OrleansTierNode> StartNodeAsync()
    {
        var node = await OrleansTierNode.StartAsync(cluster, _scope);
        _nodes.Add(node);
        return node;
    }
}
