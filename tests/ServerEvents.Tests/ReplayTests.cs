using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ServerEvents.Tests;

/// <summary>Resuming with Last-Event-ID: nothing missed, nothing twice, and an honest gap notice.</summary>
public sealed class ReplayTests
{
    private const int Publishers = 4;
    private const int PerPublisher = 400;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reconnect_with_last_event_id_misses_nothing_while_several_publishers_run(bool useHeader)
    {
        // The queue holds everything published, so no stream overflows: this test is about replay.
        await using var server = await LoopbackServer.StartAsync(o => o.ConnectionQueueCapacity = 2 * Publishers * PerPublisher);
        using var client = server.CreateClient(new TestUser("9", "ivy", "Ivy"));
        var first = await EventStreamReader.OpenAsync(client, "event-stream?channels=feed");

        // Each publisher sends half, waits while the first stream drops, then sends the rest while the second
        // stream resumes; the first send after the drop is awaited before resuming, so there is always a gap to
        // replay as well as live traffic racing the replay.
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sentAfterDrop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publishing = Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            for (var n = 0; n < PerPublisher; n++)
            {
                if (n == PerPublisher / 2)
                {
                    await dropped.Task;
                }

                // Half the traffic is for the user rather than the channel: replay covers both.
                if (n % 2 == 0)
                {
                    await server.ServerEvents.NotifyChannelAsync("feed", "cmd.msg", new Numbered(p, n));
                }
                else
                {
                    await server.ServerEvents.NotifyUserIdAsync("9", "cmd.msg", new Numbered(p, n));
                }

                if (n == PerPublisher / 2)
                {
                    sentAfterDrop.TrySetResult();
                }
            }
        })).ToArray();

        await first.WaitUntilAsync(() => Messages(first.Received).Count == Publishers * PerPublisher / 2);
        await first.DisposeAsync();
        var beforeDrop = Messages(first.Received);
        var lastEventId = first.Received[^1].Id;
        dropped.SetResult();
        await sentAfterDrop.Task;

        await using var second = useHeader
            ? await EventStreamReader.OpenAsync(client, "event-stream?channels=feed", lastEventId)
            : await EventStreamReader.OpenAsync(client, "event-stream?channels=feed&lastEventId=" + lastEventId);
        await Task.WhenAll(publishing);
        await second.WaitUntilAsync(() => beforeDrop.Count + Messages(second.Received).Count >= Publishers * PerPublisher);
        await server.ServerEvents.NotifyAllAsync("cmd.sentinel", null);
        await second.WaitForAsync(f => f.Selector == "cmd.sentinel");

        var all = beforeDrop.Concat(Messages(second.Received)).ToList();
        Assert.Equal(Publishers * PerPublisher, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        foreach (var publisher in all.GroupBy(m => m.P))
        {
            Assert.Equal(Enumerable.Range(0, PerPublisher), publisher.Select(m => m.N));
        }

        Assert.True(server.ServerEvents.GetStatistics().EventsReplayed > 0, "the resumed stream should have been replayed something");
        var ids = second.Received.Select(f => f.EventId).ToList();
        Assert.Equal(ids.Order().Distinct(), ids); // strictly increasing: sorted and never repeated
        Assert.Equal(lastEventId, second.Received[0].Id);
    }

    [Fact]
    public async Task A_cursor_older_than_the_retention_gets_a_replay_gap_then_what_is_left()
    {
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.ReplayRetentionCount = 5;
            o.NotifyChannelOfSubscriptions = false;
        });
        using var client = server.CreateClient();
        var first = await EventStreamReader.OpenAsync(client, "event-stream?channels=news");
        await server.ServerEvents.NotifyChannelAsync("news", "cmd.item", 0);
        var lastSeen = await first.WaitForAsync("news@cmd.item");
        await first.DisposeAsync();
        var published = new List<long>();
        for (var i = 1; i <= 20; i++)
        {
            published.Add(await server.ServerEvents.NotifyChannelAsync("news", "cmd.item", i));
        }

        await using var second = await EventStreamReader.OpenAsync(client, "event-stream?channels=news", lastSeen.Id);

        var gap = await second.NextAsync();
        Assert.Equal("cmd.onReplayGap", gap.Selector);
        Assert.Equal(lastSeen.EventId, gap.Json.GetProperty("lastEventId").GetInt64());
        Assert.Equal(published[^5], gap.Json.GetProperty("oldestAvailableId").GetInt64());
        var replayed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            replayed.Add((await second.NextAsync()).Body);
        }

        Assert.Equal(["16", "17", "18", "19", "20"], replayed);
    }

    [Fact]
    public async Task A_cursor_this_log_never_issued_gets_a_gap_and_live_events()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.NotifyChannelOfSubscriptions = false);
        using var client = server.CreateClient();

        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=news", "999999");
        var gap = await stream.NextAsync();
        Assert.Equal("cmd.onReplayGap", gap.Selector);
        await server.ServerEvents.NotifyChannelAsync("news", "cmd.item", "live");
        Assert.Equal("\"live\"", (await stream.NextAsync()).Body);
    }

    [Fact]
    public async Task A_cursor_from_before_a_restart_gets_a_gap_even_when_the_new_log_has_issued_its_number()
    {
        // Both runs read one clock that stands still, so the second run's positions start where the first run's did:
        // the old cursor's number is one the new log issues too (as when the clock was set back), and only the
        // epoch tells the two logs apart.
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        void UseClock(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(clock);
        string cursor, oldEpoch;
        await using (var before = await LoopbackServer.StartAsync(o => o.NotifyChannelOfSubscriptions = false, UseClock))
        {
            using var client = before.CreateClient();
            await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=news");
            oldEpoch = stream.Connect["epoch"];
            await before.ServerEvents.NotifyChannelAsync("news", "cmd.item", "before restart");
            cursor = (await stream.WaitForAsync("news@cmd.item")).Id;
        }

        await using var after = await LoopbackServer.StartAsync(o => o.NotifyChannelOfSubscriptions = false, UseClock);
        var issued = new List<long>();
        for (var i = 1; i <= 5; i++)
        {
            issued.Add(await after.ServerEvents.NotifyChannelAsync("news", "cmd.item", "after restart " + i));
        }

        Assert.Contains(long.Parse(cursor, CultureInfo.InvariantCulture), issued);
        using var resuming = after.CreateClient();
        await using var resumed = await EventStreamReader.OpenAsync(resuming, "event-stream?channels=news&epoch=" + oldEpoch, cursor);

        Assert.NotEqual(oldEpoch, resumed.Connect["epoch"]);
        Assert.Equal("cmd.onReplayGap", (await resumed.NextAsync()).Selector);
        await after.ServerEvents.NotifyChannelAsync("news", "cmd.item", "live");
        Assert.Equal("\"live\"", (await resumed.NextAsync()).Body);
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("semi%3Bcolon")]
    [InlineData("x0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task A_malformed_epoch_is_refused_with_400(string epoch)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();

        using var response = await client.GetAsync("event-stream?lastEventId=1&epoch=" + epoch, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Epoch", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_skips_events_for_other_channels_users_and_subscriptions()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.NotifyChannelOfSubscriptions = false);
        using var client = server.CreateClient(new TestUser("5", "kim", "Kim"));
        var first = await EventStreamReader.OpenAsync(client, "event-stream?channels=mine");
        var cursor = first.Received[^1].Id;
        await first.DisposeAsync();

        await server.ServerEvents.NotifyChannelAsync("other", "cmd.x", "other channel");
        await server.ServerEvents.NotifyUserIdAsync("6", "cmd.x", "other user");
        await server.ServerEvents.NotifySubscriptionAsync(first.SubscriptionId, "cmd.x", "old subscription");
        await server.ServerEvents.NotifyChannelAsync("mine", "cmd.x", "mine");
        await server.ServerEvents.NotifyUserIdAsync("5", "cmd.x", "me");

        await using var second = await EventStreamReader.OpenAsync(client, "event-stream?channels=mine", cursor);
        Assert.Equal("\"mine\"", (await second.NextAsync()).Body);
        Assert.Equal("\"me\"", (await second.NextAsync()).Body);
        await server.ServerEvents.NotifyAllAsync("cmd.sentinel", null);
        Assert.Equal("cmd.sentinel", (await second.NextAsync()).Selector);
    }

    private static List<Numbered> Messages(IEnumerable<ServerEventFrame> frames) =>
        [.. frames.Where(f => f.Selector == "cmd.msg").Select(f => System.Text.Json.JsonSerializer.Deserialize<Numbered>(f.Body, System.Text.Json.JsonSerializerOptions.Web)!)];

    private sealed record Numbered(int P, int N);
}
