using System.Globalization;
using ServerEvents.Grains.Events;
using ServerEvents.Cluster;

namespace ServerEvents.Orleans.Tests;

/// <summary>A cluster of its own whose log spaces its observer calls widely, so a burst lands well inside the spacing.</summary>
public sealed class WidelySpacedObserverCallsCluster : IAsyncLifetime
{
    /// <summary>The spacing: long enough that a few appends in a row fit in it on a loaded machine.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(2);

    /// <summary>The cluster.</summary>
    public OrleansTestCluster Cluster { get; } = new(fanOut => fanOut.ObserverCallSpacing = Spacing);

    /// <inheritdoc />
    public Task InitializeAsync() => Cluster.InitializeAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Cluster.DisposeAsync();
}

/// <summary>The log's calls to its observers are spaced while it is busy: what commits meanwhile goes in one call.</summary>
public sealed class ObserverCallSpacingTests(WidelySpacedObserverCallsCluster spaced) : IClassFixture<WidelySpacedObserverCallsCluster>
{
    [Fact]
    public async Task Commits_that_follow_a_call_closely_reach_the_observer_together_in_the_next_call()
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

        // Three commits, each its own round, inside the spacing: one call carries them all.
        var burst = new List<long>();
        for (var n = 1; n <= 3; n++)
        {
            burst.Add(await AppendAsync(n));
        }

        await observer.WaitForAsync(burst[^1], WidelySpacedObserverCallsCluster.Spacing * 5);
        Assert.Equal([[first], [.. burst]], observer.Calls);
        client.DeleteObjectReference<ILogBatchObserver>(reference);
    }
}
