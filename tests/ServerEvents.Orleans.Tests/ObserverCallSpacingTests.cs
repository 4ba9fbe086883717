using System.Globalization;
using ServerEvents.Grains.Events;
using ServerEvents.Cluster;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// A cluster of its own whose log spaces its observer calls by an hour: only a full call goes before the test gives up
/// waiting, so what the tests see does not depend on how fast the machine is.
/// </summary>
public sealed class WidelySpacedObserverCallsCluster : IAsyncLifetime
{
    /// <summary>The items that make a call full.</summary>
    public const int CallItems = 3;

    /// <summary>The cluster.</summary>
    public OrleansTestCluster Cluster { get; } = new(fanOut =>
    {
        fanOut.ObserverCallSpacing = TimeSpan.FromHours(1);
        fanOut.ObserverCallItems = CallItems;
    });

    /// <inheritdoc />
    public Task InitializeAsync() => Cluster.InitializeAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Cluster.DisposeAsync();
}

/// <summary>
/// The log's calls to its observers are spaced while it is busy: what commits meanwhile goes in one call, which goes
/// as soon as it is full.
/// </summary>
public sealed class ObserverCallSpacingTests(WidelySpacedObserverCallsCluster spaced) : IClassFixture<WidelySpacedObserverCallsCluster>
{
    [Fact]
    public async Task Commits_that_follow_a_call_closely_reach_the_observer_together_in_the_next_call_once_it_is_full()
    {
        var client = spaced.Cluster.Cluster.Client;
        var log = client.GetGrain<IEventLogGrain>(OrleansTierNode.NewScope());
        var observer = new RecordingObserver();
        var reference = client.CreateObjectReference<ILogBatchObserver>(observer);
        await log.RegisterObserverAsync(reference, TimeSpan.FromMinutes(5));
        var retention = new LogRetention(10_000, TimeSpan.FromHours(1));
        async Task<long> AppendAsync(int n) =>
            (await log.AppendAsync([new LogAppend(DateTimeOffset.UtcNow, new LogEvent((int)EventTargetKind.Channel, "feed", null, "feed@cmd.n", n.ToString(CultureInfo.InvariantCulture), true), null)], retention, LogFanOut.AfterCommit)).Single();

        // The first call after a quiet spell goes at once.
        var first = await AppendAsync(0);
        await observer.WaitForAsync(first);

        // Commits, each its own round, inside the spacing: one call carries them all, and goes once it is full.
        var burst = new List<long>();
        for (var n = 1; n <= WidelySpacedObserverCallsCluster.CallItems; n++)
        {
            burst.Add(await AppendAsync(n));
        }

        await observer.WaitForAsync(burst[^1]);
        Assert.Equal([[first], [.. burst]], observer.Calls);
        client.DeleteObjectReference<ILogBatchObserver>(reference);
    }
}
