namespace ServerEvents.Client.Tests;

/// <summary>Runs on its own: this test holds a thread-pool thread in a blocked handler while it floods the machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SlowConsumerCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Slow consumer";
}

/// <summary>
/// A consumer too slow for its queue is cut off by the server and resumes from its last event id. It runs apart
/// from the other classes: its deliberately blocked handler holds a thread-pool thread while it publishes 100 KB
/// frames as fast as it can, which on a 2-core machine can delay the streams of tests that measure real time.
/// </summary>
[Collection(SlowConsumerCollection.Name)]
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task A_connection_closed_for_overflowing_its_queue_resumes_without_losing_or_repeating_events()
    {
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.ConnectionQueueCapacity = 4;
            o.MaxMessageSize = 128 * 1024;
        });
        await using var client = ClientFactory.Create(server, "numbers");
        var numbers = new Recorder<int>();
        var reconnects = new Recorder<ServerEventReconnect>();
        using var stalled = new ManualResetEventSlim();
        client.On<Numbered>("number", (message, _) =>
        {
            if (message.N == 1)
            {
                // A deliberately slow consumer: the dispatch loop stops reading until the server gives up on it.
                stalled.Wait(Recorder<int>.DefaultTimeout);
            }

            numbers.Add(message.N);
        });
        client.OnReconnect += (_, reconnect) => reconnects.Add(reconnect);
        var first = await client.StartAsync();

        // Large frames fill the socket buffers, then the connection's small queue, until the server closes it.
        var padding = new string('x', 100_000);
        var published = 0;
        while (server.ServerEvents.GetStatistics().QueueOverflows == 0)
        {
            Assert.True(published < 2_000, "The server never closed the slow connection.");
            await server.ServerEvents.NotifyChannelAsync("numbers", "cmd.number", new Numbered(++published, padding));
        }

        stalled.Set();
        await reconnects.NextAsync();
        var total = published + 10;
        while (published < total)
        {
            await server.ServerEvents.NotifyChannelAsync("numbers", "cmd.number", new Numbered(++published, string.Empty));
        }

        await numbers.WaitForAsync(n => n == total, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, total), numbers.All);
        Assert.NotEqual(first.Id, client.SubscriptionId);
    }

    /// <summary>A numbered message with a body large enough to fill socket buffers.</summary>
    public sealed record Numbered(int N, string Padding);
}
