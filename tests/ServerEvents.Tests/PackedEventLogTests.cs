using ServerEvents.Cluster;
using ServerEvents.Cluster.Embedded;

namespace ServerEvents.Tests;

/// <summary>
/// The embedded tier's replay log packs events into reused buffers: what is read back is what was appended, and a
/// steady log allocates nothing (the contract suite covers retention through the bus).
/// </summary>
public sealed class PackedEventLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Events_read_back_carry_their_target_frame_text_time_and_trace_parent()
    {
        var log = new PackedEventLog();
        var appended = new[]
        {
            new ClusterEvent(10, new EventTarget(EventTargetKind.Channel, "café"), "café@cmd.chat", "{\"text\":\"naïve ✓\"}", Start)
            {
                TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            },
            new ClusterEvent(11, EventTarget.All, "cmd.announce", string.Empty, Start.AddSeconds(1)),
            new ClusterEvent(12, new EventTarget(EventTargetKind.UserId, "42", "home"), "cmd.private", "null", Start.AddSeconds(2)),
        };
        foreach (var clusterEvent in appended)
        {
            log.Append(clusterEvent);
        }

        var read = log.Read(0, long.MaxValue);

        Assert.Equal(appended.Length, read.Count);
        foreach (var (expected, actual) in appended.Zip(read))
        {
            Assert.Equal(expected.Id, actual.Id);
            Assert.Equal(expected.Target, actual.Target);
            Assert.Equal(expected.Selector, actual.Selector);
            Assert.Equal(expected.Body, actual.Body);
            Assert.Equal(expected.Frame.ToArray(), actual.Frame.ToArray());
            Assert.Equal(expected.CreatedAt, actual.CreatedAt);
            Assert.Equal(expected.TraceParent, actual.TraceParent);
        }
    }

    [Fact]
    public void A_read_returns_exactly_the_positions_in_its_range_across_holes()
    {
        var log = new PackedEventLog();
        long[] positions = [3, 4, 7, 8, 9, 15, 20];
        foreach (var position in positions)
        {
            log.Append(Event(position, "x"));
        }

        Assert.Equal([7, 8, 9], log.Read(4, 9).Select(e => e.Id));
        Assert.Equal([7, 8, 9], log.Read(5, 14).Select(e => e.Id));
        Assert.Equal([15, 20], log.Read(9, 100).Select(e => e.Id));
        Assert.Empty(log.Read(20, 100));
        Assert.Equal(positions, log.Read(0, 20).Select(e => e.Id));
    }

    [Fact]
    public void Removing_the_oldest_keeps_the_rest_readable_across_many_buffers()
    {
        var log = new PackedEventLog();
        var body = new string('b', 1_000);
        for (var position = 1_000; position < 3_000; position++)
        {
            log.Append(Event(position, body));
            if (log.Count > 300)
            {
                Assert.Equal(position - 300, log.RemoveOldest());
            }
        }

        // 300 events of about 1 KB span three buffers; every one decodes to what was appended.
        var held = log.Read(0, long.MaxValue);
        Assert.Equal(Enumerable.Range(2_700, 300).Select(p => (long)p), held.Select(e => e.Id));
        Assert.All(held, e => Assert.Equal(body, e.Body));
        Assert.Equal(2_700, log.OldestId);

        // Every event takes the same bytes (four-digit positions), so each buffer holds the same number and leaves the
        // same end unused, counted while the last event in it is held (the newest buffer's end is not yet).
        var length = Event(1_000, body).Frame.Length + "news".Length;
        var perBuffer = PackedEventLog.ChunkSize / length;
        var closedBuffersHeld = Enumerable.Range(1_700, 300).Count(k => (k + 1) % perBuffer == 0 && k != 1_999);
        Assert.Equal((300L * length) + (closedBuffersHeld * (PackedEventLog.ChunkSize - (perBuffer * length))), log.Bytes);
    }

    [Fact]
    public void An_event_larger_than_a_buffer_is_kept_whole()
    {
        var log = new PackedEventLog();
        var large = new string('L', PackedEventLog.ChunkSize + 1_000);
        log.Append(Event(1, "small"));
        log.Append(Event(2, large));
        log.Append(Event(3, "after"));

        Assert.Equal(["small", large, "after"], log.Read(0, 3).Select(e => e.Body));
        log.RemoveOldest();
        log.RemoveOldest();
        Assert.Equal("after", Assert.Single(log.Read(0, 3)).Body);
    }

    [Fact]
    public void The_end_of_a_buffer_an_event_did_not_fit_in_counts_until_its_predecessor_goes()
    {
        // Two events of about 70 KB do not fit in one 128 KiB buffer: the second starts a new one, and the first
        // buffer's unused end is memory the log holds, so the byte limit must see it.
        var log = new PackedEventLog();
        var first = Event(1, new string('a', 70_000));
        var second = Event(2, new string('b', 70_000));
        log.Append(first);
        log.Append(second);

        Assert.Equal(PackedEventLog.ChunkSize + second.Frame.Length + "news".Length, log.Bytes);
        log.RemoveOldest();
        Assert.Equal(second.Frame.Length + "news".Length, log.Bytes);
    }

    [Fact]
    public void An_emptied_log_holds_nothing_and_starts_again()
    {
        var log = new PackedEventLog();
        log.Append(Event(1, "one"));
        log.Append(Event(2, "two"));
        log.RemoveOldest();
        log.RemoveOldest();

        Assert.Equal(0, log.Count);
        Assert.Equal(0, log.Bytes);
        Assert.Null(log.OldestId);

        log.Append(Event(3, "three"));
        Assert.Equal("three", Assert.Single(log.Read(0, 3)).Body);
    }

    [Fact]
    public void A_steady_log_allocates_nothing_once_its_buffers_exist()
    {
        // Events prepared (frames encoded) beforehand, so only the log's own work is counted.
        var events = Enumerable.Range(1, 40_000).Select(p => Event(p, new string('m', 200))).ToArray();
        _ = events.Sum(e => e.Frame.Length);
        var log = new PackedEventLog();

        // Warm: the log fills to 1,000 events (several buffers) and cycles through them.
        var next = 0;
        for (; next < 20_000; next++)
        {
            Cycle(log, events[next]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (; next < events.Length; next++)
        {
            Cycle(log, events[next]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Cycle(PackedEventLog log, ClusterEvent clusterEvent)
        {
            log.Append(clusterEvent);
            if (log.Count > 1_000)
            {
                log.RemoveOldest();
            }
        }
    }

    private static ClusterEvent Event(long position, string body) =>
        new(position, new EventTarget(EventTargetKind.Channel, "news"), "news@cmd.item", body, Start.AddMilliseconds(position));
}
