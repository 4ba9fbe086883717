using System.Net.Sockets;
using System.Text;

namespace ServerEvents.Tests;

/// <summary>A reader that never reads must not hold up anyone else, and is closed once its queue is full.</summary>
public sealed class SlowConsumerTests
{
    private const int FastReaders = 100;

    [Fact]
    public async Task A_reader_that_never_reads_does_not_delay_100_others_and_is_disconnected_when_its_queue_fills()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.ConnectionQueueCapacity = 16);
        using var client = server.CreateClient();
        var fast = new List<EventStreamReader>();
        for (var i = 0; i < FastReaders; i++)
        {
            fast.Add(await EventStreamReader.OpenAsync(client, "event-stream?channels=firehose"));
        }

        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        await stalled.SendAsync(Encoding.ASCII.GetBytes($"GET /event-stream?channels=firehose HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n\r\n"));
        await PresenceTests.WaitUntilAsync(async () => (await server.ServerEvents.GetSubscriptionsDetailsAsync(["firehose"])).Count == FastReaders + 1);
        var stalledId = (await server.ServerEvents.GetSubscriptionsDetailsAsync(["firehose"])).Single(s => fast.All(f => f.SubscriptionId != s.Id)).Id;

        // Each message must reach all 100 readers while the stalled one holds its frames unread: delivery to
        // the others never waits for it. Publishing goes on until the stalled queue overflows.
        var payload = new string('x', 8 * 1024);
        var published = 0;
        while (server.ServerEvents.GetStatistics().QueueOverflows == 0)
        {
            Assert.True(published < 5_000, "the stalled reader was never disconnected");
            await server.ServerEvents.NotifyChannelAsync("firehose", "cmd.load", new { n = published, payload });
            var body = $"{{\"n\":{published},";
            foreach (var reader in fast)
            {
                await reader.WaitForAsync(f => f.Selector == "cmd.load" && f.Body.StartsWith(body, StringComparison.Ordinal));
            }

            published++;
        }

        Assert.True(published > 16, "the stalled reader must have been sent more than its queue holds");
        foreach (var reader in fast)
        {
            Assert.Equal(published, reader.Received.Count(f => f.Selector == "cmd.load"));
        }

        Assert.Equal(1, server.ServerEvents.GetStatistics().QueueOverflows);
        await PresenceTests.WaitUntilAsync(async () => await server.ServerEvents.GetSubscriptionInfoAsync(stalledId) is null);
        foreach (var reader in fast)
        {
            await reader.WaitForAsync("firehose@cmd.onLeave");
            await reader.DisposeAsync();
        }
    }
}
