using System.Diagnostics;
using System.Net.Http.Json;

namespace ServerEvents.Orleans.Integration.Tests;

/// <summary>Two silos and two front-ends, shared by the tests of <see cref="MultiFrontEndTests"/>.</summary>
public sealed class TwoByTwoCluster : IAsyncLifetime
{
    private ApiProcess[] _frontEnds = [];

    public OrleansTestCluster Cluster { get; } = new();

    public ApiProcess A => _frontEnds[0];

    public ApiProcess B => _frontEnds[1];

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Cluster.StartSiloAsync(), Cluster.StartSiloAsync());
        _frontEnds = await Task.WhenAll(Cluster.StartFrontEndAsync(), Cluster.StartFrontEndAsync());
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Stateless front-ends on two silos behave as one server.</summary>
public sealed class MultiFrontEndTests(TwoByTwoCluster cluster) : IClassFixture<TwoByTwoCluster>
{
    [Fact]
    public async Task A_join_is_seen_across_front_ends_both_list_every_subscriber_and_an_unregister_through_the_other_closes_the_stream()
    {
        var channel = NewChannel();
        await using var user = new ChatUser();
        using var toA = cluster.A.CreateClient();
        using var toB = cluster.B.CreateClient();
        await using var onA = await EventStreamReader.OpenAsync(toA, "event-stream?channels=" + channel);
        await using var onB = await EventStreamReader.OpenAsync(toB, "event-stream?channels=" + channel);

        // Heartbeats as a client sends them, each to the other front-end: the idle timeout is 5 s.
        await using var aBeats = new Heartbeats(toB, onA.SubscriptionId, TimeSpan.FromMilliseconds(500));
        var bBeats = new Heartbeats(toA, onB.SubscriptionId, TimeSpan.FromMilliseconds(500));
        var join = await onA.WaitForAsync(f => f.FullSelector == channel + "@cmd.onJoin" && f.Info["userId"] == onB.Connect["userId"]);
        Assert.Equal(channel, join.Info["channels"]);
        var expected = new[] { onA.Connect["userId"], onB.Connect["userId"] }.Order().ToList();
        foreach (var client in new[] { toA, toB })
        {
            var listed = await client.GetFromJsonAsync<List<Dictionary<string, string>>>("event-subscribers?channels=" + channel);
            Assert.Equal(expected, listed!.Select(s => s["userId"]).Order());
        }

        // A chat message posted through B reaches both, and B's stream, owned by B, ends when A is asked to unregister it.
        var sender = await user.OpenAsync(cluster.A, channel);
        await using var senderBeats = new Heartbeats(user.On(cluster.A), sender.SubscriptionId, TimeSpan.FromMilliseconds(500));
        Assert.Equal(System.Net.HttpStatusCode.OK, await user.PostAsync(cluster.B, channel, sender, 1, TimeSpan.FromSeconds(30)));
        await onA.WaitForAsync(f => f.FullSelector == channel + "@cmd.chat");
        await onB.WaitForAsync(f => f.FullSelector == channel + "@cmd.chat");

        // Its heartbeats stop first: once it is unregistered they would rightly answer 404.
        await bBeats.DisposeAsync();
        using (var unregister = await toA.PostAsync("event-unregister?id=" + onB.SubscriptionId, null))
        {
            unregister.EnsureSuccessStatusCode();
        }

        await onB.WaitForEndAsync();
        Assert.Equal(onB.Connect["userId"], (await onA.WaitForAsync(channel + "@cmd.onLeave")).Info["userId"]);
    }

    [Fact]
    public async Task Heartbeats_sent_to_the_other_front_end_keep_a_subscription_alive()
    {
        var channel = NewChannel();
        using var toA = cluster.A.CreateClient();
        using var toB = cluster.B.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(toB, "event-stream?channels=" + channel);
        // `kept` heartbeats only through the other front-end (below), never through its own.
        await using var kept = await EventStreamReader.OpenAsync(toA, "event-stream?channels=" + channel, heartbeat: false);
        await using var watcherBeats = new Heartbeats(toB, watcher.SubscriptionId, TimeSpan.FromMilliseconds(500));
        await using var keptBeats = new Heartbeats(toB, kept.SubscriptionId, TimeSpan.FromMilliseconds(500));

        // A subscription opened after `kept` that never heartbeats: once its leave arrives, `kept` has also gone
        // longer than the 5 s idle timeout without a heartbeat to its own front-end.
        await using var silent = await EventStreamReader.OpenAsync(toA, "event-stream?channels=" + channel, heartbeat: false);
        var leave = await watcher.WaitForAsync(f => f.FullSelector == channel + "@cmd.onLeave", TimeSpan.FromSeconds(30));

        Assert.Equal(silent.Connect["userId"], leave.Info["userId"]);
        var listed = await toB.GetFromJsonAsync<List<Dictionary<string, string>>>("event-subscribers?channels=" + channel);
        Assert.Contains(listed!, s => s["userId"] == kept.Connect["userId"]);
        Assert.DoesNotContain(watcher.Received, f => f.Selector == "cmd.onLeave" && f.Info["userId"] == kept.Connect["userId"]);
        Assert.True(keptBeats.Sent >= 4, $"only {keptBeats.Sent} heartbeats were sent");
    }

    [Fact]
    public async Task The_subscribers_of_a_killed_front_end_leave_within_the_idle_timeout_and_a_few_seconds()
    {
        var channel = NewChannel();
        var doomed = await cluster.Cluster.StartFrontEndAsync();
        using var toDoomed = doomed.CreateClient();
        using var toB = cluster.B.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(toB, "event-stream?channels=" + channel);
        await using var watcherBeats = new Heartbeats(toB, watcher.SubscriptionId, TimeSpan.FromMilliseconds(500));
        await using var victim = await EventStreamReader.OpenAsync(toDoomed, "event-stream?channels=" + channel);
        var victimUser = victim.Connect["userId"];
        await watcher.WaitForAsync(f => f.FullSelector == channel + "@cmd.onJoin" && f.Info["userId"] == victimUser);

        var killedAt = Stopwatch.StartNew();
        doomed.Kill();

        // IdleTimeout is 5 s and a front-end counts as dead 5 s after its last renewal.
        await watcher.WaitForAsync(f => f.FullSelector == channel + "@cmd.onLeave" && f.Info["userId"] == victimUser, TimeSpan.FromSeconds(20));
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(20), $"the leave came {killedAt.Elapsed} after the kill");
        var listed = await toB.GetFromJsonAsync<List<Dictionary<string, string>>>("event-subscribers?channels=" + channel);
        Assert.DoesNotContain(listed!, s => s["userId"] == victimUser);
    }

    private static string NewChannel() => "c" + Guid.NewGuid().ToString("N")[..12];
}
