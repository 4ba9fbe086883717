using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting;

namespace ServerEvents.Tests;

/// <summary>
/// What one client can make the log hold is bounded (issue 12): notices carry a bounded channel list, and the
/// replay log is bounded in bytes as well as in count.
/// </summary>
public sealed class LogCostTests
{
    [Fact]
    public async Task A_notice_for_a_subscription_in_many_long_channels_is_bounded_and_keeps_the_servicestack_shape()
    {
        // The 64 names take ~24 KB of URL once percent-encoded: more than Kestrel's default request line.
        await using var server = await LoopbackServer.StartAsync(
            o => o.MaxNoticeChannelsLength = 1_024,
            build: b => b.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestLineSize = 64 * 1024));
        using var client = server.CreateClient();

        // 64 names of 124 characters that JSON escapes six-fold ('<' is written \u003C): ~46 KB per notice before.
        var channels = Enumerable.Range(0, 64).Select(i => new string('<', 120) + i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
        await using var watcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=" + Uri.EscapeDataString(channels[0]));
        await using var joiner = await EventStreamReader.OpenAsync(client, "event-stream?channels=" + Uri.EscapeDataString(string.Join(',', channels)));

        var join = await watcher.WaitForAsync(f => f.Selector == "cmd.onJoin" && f.Info["userId"] == joiner.Connect["userId"]);

        Assert.True(Encoding.UTF8.GetByteCount(join.Data) < 8 * 1024, $"the notice is {Encoding.UTF8.GetByteCount(join.Data)} bytes");
        var listed = join.Info["channels"].Split(',');
        Assert.InRange(join.Info["channels"].Length, 1, 1_024);
        Assert.Equal(channels.Take(listed.Length), listed);
        Assert.Equal("64", join.Info["channelCount"]);
        Assert.Equal(joiner.Connect["displayName"], join.Info["displayName"]);

        // The subscriber itself still learns every channel it is in.
        Assert.Equal(string.Join(',', channels), joiner.Connect["channels"]);
    }

    [Fact]
    public async Task A_notice_for_a_few_channels_lists_them_all_without_a_count()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        await using var joiner = await EventStreamReader.OpenAsync(client, "event-stream?channels=home,work");

        var join = await watcher.WaitForAsync(f => f.Selector == "cmd.onJoin" && f.Info["userId"] == joiner.Connect["userId"]);

        Assert.Equal("home,work", join.Info["channels"]);
        Assert.False(join.Info.ContainsKey("channelCount"));
    }

    [Fact]
    public async Task The_replay_log_drops_its_oldest_events_beyond_replay_retention_bytes()
    {
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.NotifyChannelOfSubscriptions = false;
            o.ReplayRetentionBytes = 64 * 1024;
        });
        using var client = server.CreateClient();

        // 100 events of ~2 KB: 200 KB, far under the count limit and over the byte limit.
        var body = new string('x', 2_000);
        var published = new List<long>();
        for (var i = 0; i < 100; i++)
        {
            published.Add(await server.ServerEvents.NotifyChannelAsync("news", "cmd.item", body + i.ToString(CultureInfo.InvariantCulture)));
        }

        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=news", "0");
        await server.ServerEvents.NotifyAllAsync("cmd.sentinel", null);
        await stream.WaitForAsync(f => f.Selector == "cmd.sentinel");

        var gap = Assert.Single(stream.Received, f => f.Selector == "cmd.onReplayGap");
        var oldest = gap.Json.GetProperty("oldestAvailableId").GetInt64();
        var replayed = stream.Received.Where(f => f.Selector == "cmd.item").ToList();
        Assert.Equal(published.SkipWhile(id => id < oldest), replayed.Select(f => f.EventId));
        Assert.Equal(published[^1], replayed[^1].EventId);

        // Each event holds about 2 KB (its frame and its channel, packed as UTF-8): about thirty fit in 64 KB.
        Assert.InRange(replayed.Count, 28, 32);
    }
}
