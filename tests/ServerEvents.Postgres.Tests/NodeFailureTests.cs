using System.Diagnostics;
using System.Net.Http.Json;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Tests;

/// <summary>What the survivors do when a front-end process dies without a word.</summary>
public sealed class NodeFailureTests : IAsyncLifetime
{
    private readonly TestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task After_a_node_is_killed_the_survivors_send_its_subscribers_leave_notices_and_its_clients_resume_elsewhere()
    {
        var doomed = await StartNodeAsync();
        var survivor = await StartNodeAsync();
        await using var publisher = await PostgresNode.StartAsync(_schema.Name);
        using var toDoomed = doomed.CreateClient();
        using var toSurvivor = survivor.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(toSurvivor, "event-stream?channels=room");
        await using var watcherBeats = new Heartbeats(toSurvivor, watcher.SubscriptionId, TimeSpan.FromMilliseconds(500));
        var victim = await EventStreamReader.OpenAsync(toDoomed, "event-stream?channels=room");
        var victimUser = victim.Connect["userId"];
        await watcher.WaitForAsync(f => f.FullSelector == "room@cmd.onJoin" && f.Info["userId"] == victimUser);
        var published = await PublishAsync(publisher, 1, 5);
        await victim.WaitUntilAsync(() => MultiNodeTests.Numbers(victim.Received).Count == 5);
        var cursor = victim.Received[^1].Id;

        var killedAt = Stopwatch.StartNew();
        doomed.Kill();
        await victim.WaitForEndAsync();

        // IdleTimeout is 3 s; the leave must come from a survivor well within IdleTimeout + 10 s.
        var leave = await watcher.WaitForAsync(f => f.FullSelector == "room@cmd.onLeave" && f.Info["userId"] == victimUser, TimeSpan.FromSeconds(13));
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(13), $"the leave came {killedAt.Elapsed} after the kill");
        var listed = await toSurvivor.GetFromJsonAsync<List<Dictionary<string, string>>>("event-subscribers?channels=room");
        Assert.DoesNotContain(listed!, s => s["userId"] == victimUser);

        // Its client resumes on a node that started after all of this, and gets what it missed.
        published.AddRange(await PublishAsync(publisher, 6, 10));
        var fresh = await StartNodeAsync();
        using var toFresh = fresh.CreateClient();
        await using var resumed = await EventStreamReader.OpenAsync(toFresh, "event-stream?channels=room", cursor);
        await resumed.WaitUntilAsync(() => MultiNodeTests.Numbers(resumed.Received).Count >= 5);
        Assert.Equal([6, 7, 8, 9, 10], MultiNodeTests.Numbers(resumed.Received));
        Assert.DoesNotContain(resumed.Received, f => f.Selector == "cmd.onReplayGap");
    }

    private async Task<ApiProcess> StartNodeAsync()
    {
        return _schema.Own(await ApiNode.StartAsync(ApiNode.Settings(_schema.Name)));
    }

    private static async Task<List<long>> PublishAsync(PostgresNode publisher, int from, int through)
    {
        var ids = new List<long>();
        for (var n = from; n <= through; n++)
        {
            ids.Add(await publisher.Tier.Events.PublishAsync(new OutgoingEvent(new EventTarget(EventTargetKind.Channel, "room"), "room@cmd.n", n.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        return ids;
    }
}
