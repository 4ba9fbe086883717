using System.Collections.Concurrent;
using System.Net;

namespace ServerEvents.Orleans.Integration.Tests;

/// <summary>Silos die or restart under the front-ends.</summary>
public sealed class SiloFailureTests
{
    // Long enough that no subscription expires while heartbeats cannot be recorded during a failover.
    private static readonly Dictionary<string, string?> PatientFrontEnd = new()
    {
        ["ServerEvents__IdleTimeout"] = "00:02:00",
        ["ServerEvents__HeartbeatInterval"] = "00:00:30",
    };

    [Theory]
    [InlineData("AfterCommit", "Streams")]
    [InlineData("BeforeCommit", "Streams")]
    [InlineData("BeforeCommit", "Observers")]
    public async Task Silos_killed_with_SIGKILL_while_messages_are_published_lose_no_acknowledged_message_and_failed_publishes_answer_503(string fanOut, string transport)
    {
        var channel = "feed";
        var settings = new Dictionary<string, string?>(PatientFrontEnd)
        {
            ["ServerEvents__Cluster__Orleans__FanOut"] = fanOut,
            ["ServerEvents__Cluster__Orleans__FanOutTransport"] = transport,
        };
        await using var cluster = new OrleansTestCluster();
        var first = await cluster.StartSiloAsync();
        var second = await cluster.StartSiloAsync();
        var frontEnds = await Task.WhenAll(cluster.StartFrontEndAsync(settings), cluster.StartFrontEndAsync(settings));
        await using var user = new ChatUser();
        var sender = await user.OpenAsync(frontEnds[0], channel);
        var streams = new List<EventStreamReader> { sender };
        foreach (var frontEnd in new[] { frontEnds[0], frontEnds[1], frontEnds[1] })
        {
            streams.Add(await user.OpenAsync(frontEnd, channel));
        }

        // Publishes alternate between the front-ends, one at a time, until told to stop.
        var posts = new ConcurrentQueue<(int Number, HttpStatusCode? Status)>();
        using var stop = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                posts.Enqueue((n, await user.PostAsync(frontEnds[n % 2], channel, sender, n, TimeSpan.FromSeconds(60))));
            }
        });
        int Acknowledged() => posts.Count(p => p.Status == HttpStatusCode.OK);
        async Task WaitForMoreAsync(int more)
        {
            var target = Acknowledged() + more;
            await streams[1].WaitUntilAsync(() => Acknowledged() >= target || publishing.IsCompleted, TimeSpan.FromSeconds(120));
        }

        // Kill one silo, start a replacement, then kill the other: every grain loses its silo at least once.
        await WaitForMoreAsync(30);
        first.Process.Kill();
        await WaitForMoreAsync(10);
        await cluster.StartSiloAsync();
        await WaitForMoreAsync(20);
        second.Process.Kill();
        await WaitForMoreAsync(30);
        await stop.CancelAsync();
        await publishing;

        Delivery.AssertOkOr503(posts);
        var acknowledged = posts.Where(p => p.Status == HttpStatusCode.OK).Select(p => p.Number).ToList();
        try
        {
            foreach (var stream in streams)
            {
                await Delivery.AssertReceivedExactlyOnceInOrderAsync(stream, acknowledged, TimeSpan.FromSeconds(60));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{ex.Message}\nThe processes' logs:\n{cluster.Outputs()}", ex);
        }

        Delivery.AssertInHistory(await user.HistoryAsync(frontEnds[1], channel), acknowledged);
    }

    [Fact]
    public async Task Chat_history_survives_stopping_and_restarting_every_silo_and_front_end()
    {
        var channel = "kept";
        await using var cluster = new OrleansTestCluster();
        var silo = await cluster.StartSiloAsync();
        var frontEnd = await cluster.StartFrontEndAsync(PatientFrontEnd);
        int[] numbers = [1, 2, 3, 4, 5, 6, 7, 8];
        await using (var user = new ChatUser())
        {
            var sender = await user.OpenAsync(frontEnd, channel);
            foreach (var n in numbers)
            {
                Assert.Equal(HttpStatusCode.OK, await user.PostAsync(frontEnd, channel, sender, n, TimeSpan.FromSeconds(60)));
            }
        }

        foreach (var process in new[] { frontEnd, silo.Process })
        {
            process.Terminate();
            Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(60)), "a process was still running 60 s after SIGTERM");
        }

        await cluster.StartSiloAsync();
        var restarted = await cluster.StartFrontEndAsync(PatientFrontEnd);
        await using var reader = new ChatUser();
        Assert.Equal(numbers, await reader.HistoryAsync(restarted, channel));
    }
}
