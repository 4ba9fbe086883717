using System.Collections.Concurrent;
using System.Net;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServerEvents.Cluster;
using ServerEvents.Cluster.Embedded;

namespace ServerEvents.Tests;

/// <summary>
/// Replay costs a bounded amount per stream and per node (issue 12, attack 6): the log is read a page at a time,
/// the next page only once the client has taken the last, and only so many streams replay at once.
/// </summary>
public sealed class ReplayCostTests
{
    private const int PageSize = 256;

    [Fact]
    public async Task A_replay_longer_than_a_page_is_read_a_page_at_a_time_and_arrives_complete_and_in_order()
    {
        var reads = new ConcurrentQueue<(long After, long Through)>();
        await using var server = await StartAsync(reads, o => { });
        using var client = server.CreateClient();
        var before = await EventStreamReader.OpenAsync(client, "event-stream?channels=feed");
        var cursor = before.Received[^1].Id;
        await before.DisposeAsync();
        reads.Clear();

        // Every third event is for another channel, so pages hold holes the replay must step over.
        var expected = new List<int>();
        for (var i = 0; i < 1_000; i++)
        {
            if (i % 3 == 0)
            {
                await server.ServerEvents.NotifyChannelAsync("other", "cmd.item", i);
            }
            else
            {
                await server.ServerEvents.NotifyChannelAsync("feed", "cmd.item", i);
                expected.Add(i);
            }
        }

        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=feed&lastEventId=" + cursor);
        await server.ServerEvents.NotifyAllAsync("cmd.sentinel", null);
        await stream.WaitForAsync(f => f.Selector == "cmd.sentinel");

        var items = stream.Received.Where(f => f.Selector == "cmd.item").ToList();
        Assert.Equal(expected, items.Select(f => int.Parse(f.Body, System.Globalization.CultureInfo.InvariantCulture)));
        var ids = stream.Received.Skip(1).Select(f => f.EventId).ToList();
        Assert.Equal(ids.Order().Distinct(), ids);

        var pages = reads.ToList();
        Assert.True(pages.Count >= 1_000 / PageSize, $"expected the replay in pages, got {pages.Count} read(s)");
        Assert.All(pages, p => Assert.InRange(p.Through - p.After, 1, PageSize));
        Assert.Equal(long.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture), pages[0].After);
        for (var i = 1; i < pages.Count; i++)
        {
            Assert.Equal(pages[i - 1].Through, pages[i].After);
        }
    }

    [Fact]
    public async Task With_one_replay_place_a_second_resuming_stream_gets_503_while_a_client_that_does_not_read_holds_the_first()
    {
        const int Events = 4_000;
        var reads = new ConcurrentQueue<(long After, long Through)>();
        await using var server = await StartAsync(reads, o =>
        {
            o.MaxConcurrentReplays = 1;
            o.ReplayWaitTimeout = TimeSpan.FromMilliseconds(300);
        });

        // 4,000 events of 4 KB: 16 MB, four times what the kernel buffers between a sender and this client hold,
        // so the replay cannot finish while the client does not read.
        var body = new string('x', 4_000);
        long head = 0;
        for (var i = 0; i < Events; i++)
        {
            head = await server.ServerEvents.NotifyChannelAsync("feed", "cmd.item", body);
        }

        using var slowClient = CreateSmallBufferClient(server);
        using var held = await slowClient.GetAsync("event-stream?channels=feed&lastEventId=0", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);

        using var client = server.CreateClient();
        await using (var refused = await EventStreamReader.StartAsync(client, "event-stream?channels=feed", "0"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Response.StatusCode);
            Assert.NotNull(refused.Response.Headers.RetryAfter);
            Assert.Contains("replaying", await EndpointTests.ErrorMessageAsync(refused.Response), StringComparison.Ordinal);
        }

        // Back-pressure: the held replay stopped reading the log where its client stopped taking it.
        Assert.True(reads.Max(r => r.Through) < head, $"the replay read through {reads.Max(r => r.Through)} of {head} without being read");

        // Once its client reads, the replay completes in order and its place goes to the next resuming stream.
        var received = 0;
        long lastId = 0;
        await using (var body1 = await held.Content.ReadAsStreamAsync())
        {
            await foreach (var item in SseParser.Create(body1).EnumerateAsync())
            {
                if (item.Data.StartsWith("feed@cmd.item ", StringComparison.Ordinal))
                {
                    var id = long.Parse(item.EventId!, System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(id > lastId);
                    lastId = id;
                    if (++received == Events)
                    {
                        break;
                    }
                }
            }
        }

        Assert.Equal(head, lastId);
        await using var next = await EventStreamReader.OpenAsync(client, "event-stream?channels=feed", head.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HttpStatusCode.OK, next.Response.StatusCode);
    }

    [Fact]
    public async Task A_replaying_client_that_takes_nothing_for_the_stall_timeout_is_closed_and_frees_its_place()
    {
        // The stall timeout runs on a clock the test moves, so a reader that does read is never taken for a stalled
        // one on a busy machine, and the stalled one is closed the moment the test says its time is up.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var stall = TimeSpan.FromSeconds(30);
        var reads = new ConcurrentQueue<(long After, long Through)>();
        await using var server = await StartAsync(
            reads,
            o =>
            {
                o.MaxConcurrentReplays = 1;
                o.ReplayWaitTimeout = TimeSpan.FromHours(1);
                o.ReplayStallTimeout = stall;
            },
            b => b.Services.AddSingleton<TimeProvider>(clock));
        var body = new string('x', 4_000);
        long head = 0;
        for (var i = 0; i < 4_000; i++)
        {
            head = await server.ServerEvents.NotifyChannelAsync("feed", "cmd.item", body);
        }

        using var slowClient = CreateSmallBufferClient(server);
        using var held = await slowClient.GetAsync("event-stream?channels=feed&lastEventId=0", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        var heldId = Assert.Single(await server.ServerEvents.GetSubscriptionsDetailsAsync(["feed"])).Id;

        // This stream waits for the only replay place, which the stalled one holds until its time is up.
        using var client = server.CreateClient();
        var opening = EventStreamReader.OpenAsync(client, "event-stream?channels=feed&lastEventId=0");
        Assert.False(opening.IsCompleted);

        // Time passes in steps of a hundredth of the stall timeout, so the held replay, waiting for its client to take
        // a flush since before the first step, runs out long before any flush of the next stream could (that one
        // starts only once the held one has given up its place); the steps stop when the held one is gone.
        await PresenceTests.WaitUntilAsync(async () =>
        {
            var gone = !(await server.ServerEvents.GetSubscriptionsDetailsAsync(["feed"])).Any(s => s.Id == heldId);
            if (!gone)
            {
                clock.Advance(stall / 100);
            }

            return gone;
        });

        await using var next = await opening;
        await next.WaitForAsync(f => f.EventId == head);
        Assert.True(reads.Max(r => r.Through) >= head);
        Assert.DoesNotContain(await server.ServerEvents.GetSubscriptionsDetailsAsync(["feed"]), s => s.Id == heldId);
    }

    private static Task<LoopbackServer> StartAsync(
        ConcurrentQueue<(long After, long Through)> reads,
        Action<Hosting.ServerEventsOptions> configure,
        Action<WebApplicationBuilder>? build = null) =>
        LoopbackServer.StartAsync(
            o =>
            {
                o.NotifyChannelOfSubscriptions = false;
                configure(o);
            },
            build: b =>
            {
                b.Services.AddSingleton<IClusterTier>(sp =>
                    new ReadRecordingTier(ActivatorUtilities.CreateInstance<EmbeddedClusterTier>(sp), reads));
                build?.Invoke(b);
            });

    // A client whose socket takes at most 16 KB unread; Linux would otherwise let a loopback receive buffer grow to
    // tens of megabytes, holding the whole replay.
    private static HttpClient CreateSmallBufferClient(LoopbackServer server)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 16 * 1024, NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The embedded tier, recording every range its log is read for.</summary>
    private sealed class ReadRecordingTier(IClusterTier inner, ConcurrentQueue<(long After, long Through)> reads) : IClusterTier, IEventBus
    {
        public ISubscriptionDirectory Directory => inner.Directory;

        public ISequenceStore Sequences => inner.Sequences;

        public IEventBus Events => this;

        public string Epoch => inner.Events.Epoch;

        public ValueTask CheckHealthAsync(CancellationToken cancellationToken = default) => inner.CheckHealthAsync(cancellationToken);

        public ValueTask<long> PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken = default) => inner.Events.PublishAsync(outgoing, cancellationToken);

        public ValueTask SignalAsync(ClusterSignal signal, CancellationToken cancellationToken = default) => inner.Events.SignalAsync(signal, cancellationToken);

        public ValueTask<EventLogSlice> ReadAsync(long after, long through, CancellationToken cancellationToken = default)
        {
            reads.Enqueue((after, through));
            return inner.Events.ReadAsync(after, through, cancellationToken);
        }

        public IDisposable Attach(IClusterEventSink sink) => inner.Events.Attach(sink);
    }
}
