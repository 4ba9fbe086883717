using System.Diagnostics;
using System.Globalization;
using ServerEvents.Cluster;
using ServerEvents.Subscriptions;
using Xunit.Abstractions;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// The publish ceiling through one sequencer and the join/leave rate, on the in-process cluster (memory storage).
/// Run: <c>SERVER_EVENTS_MEASURE=1 dotnet test tests/ServerEvents.Orleans.Tests -c Release --filter OrleansTierMeasurements --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection(OrleansClusterCollection.Name)]
public sealed class OrleansTierMeasurements(OrleansTestCluster cluster, ITestOutputHelper output)
{
    [MeasureFact]
    public async Task Publish_ceiling_through_one_sequencer()
    {
        await using var node = await OrleansTierNode.StartAsync(cluster, OrleansTierNode.NewScope());
        var sink = new RecordingSink();
        using var attachment = node.Tier.Events.Attach(sink);
        var target = new EventTarget(EventTargetKind.Channel, "feed");

        var sequential = Stopwatch.StartNew();
        for (var n = 0; n < 500; n++)
        {
            await node.Tier.Events.PublishAsync(new OutgoingEvent(target, "feed@cmd.n", "1"));
        }

        output.WriteLine($"sequential: {500 / sequential.Elapsed.TotalSeconds:0} publishes/s ({sequential.Elapsed.TotalMilliseconds / 500:0.00} ms each)");

        foreach (var publishers in new[] { 16, 64, 256 })
        {
            const int PerPublisher = 100;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, publishers).Select(_ => Task.Run(async () =>
            {
                for (var n = 0; n < PerPublisher; n++)
                {
                    await node.Tier.Events.PublishAsync(new OutgoingEvent(target, "feed@cmd.n", "1"));
                }
            })));
            var total = publishers * PerPublisher;
            output.WriteLine($"{publishers} concurrent publishers: {total / watch.Elapsed.TotalSeconds:0} publishes/s");
        }
    }

    [MeasureFact]
    public async Task Joins_and_leaves_per_second()
    {
        // Every join a new user, into one hot channel and one of 50 rooms; then the same users joining again (their
        // user grains already active), as the chat's reconnects do.
        await using var node = await OrleansTierNode.StartAsync(cluster, OrleansTierNode.NewScope());
        await MeasureAsync(node, "new users", 0);
        await MeasureAsync(node, "returning users", 0);
    }

    private async Task MeasureAsync(OrleansTierNode node, string label, int offset)
    {
        const int Count = 4_000;
        var now = DateTimeOffset.UtcNow;
        var joins = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(offset, Count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
            await node.Tier.Directory.AddAsync(new SubscriptionInfo
            {
                Id = "s" + n.ToString(CultureInfo.InvariantCulture),
                UserId = "-" + n.ToString(CultureInfo.InvariantCulture),
                DisplayName = "user",
                Channels = ["hot", "room" + (n % 50).ToString(CultureInfo.InvariantCulture)],
                CreatedAt = now,
                NodeId = node.NodeId,
            }, now));
        output.WriteLine($"{label}: joins {Count / joins.Elapsed.TotalSeconds:0}/s");

        var leaves = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(offset, Count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
            await node.Tier.Directory.RemoveAsync("s" + n.ToString(CultureInfo.InvariantCulture)));
        output.WriteLine($"{label}: leaves {Count / leaves.Elapsed.TotalSeconds:0}/s");
    }
}
