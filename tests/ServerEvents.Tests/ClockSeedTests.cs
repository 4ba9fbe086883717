using Microsoft.Extensions.Logging.Abstractions;
using ServerEvents.Cluster;
using ServerEvents.Cluster.Embedded;

namespace ServerEvents.Tests;

/// <summary>The embedded tier's ids never go down across a restart: its counters start from the clock.</summary>
public sealed class ClockSeedTests
{
    [Fact]
    public async Task Sequences_and_event_positions_of_a_restarted_embedded_tier_continue_above_the_last_run()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));
        var (firstSequences, firstEvents) = Start(time);
        long lastId = 0, lastPosition = 0;
        for (var i = 0; i < 500; i++)
        {
            lastId = await firstSequences.ReserveAsync("chat-message", 1);
            lastPosition = await firstEvents.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.item", "{}"));
        }

        // Restarted a millisecond later, with nothing kept.
        time.Advance(TimeSpan.FromMilliseconds(1));
        var (sequences, events) = Start(time);

        Assert.True(await sequences.ReserveAsync("chat-message", 1) > lastId);
        Assert.True(await events.PublishAsync(new OutgoingEvent(EventTarget.All, "cmd.item", "{}")) > lastPosition);
        Assert.True(lastId < 1L << 53, "ids stay exact as JavaScript numbers");
    }

    private static (InMemorySequenceStore Sequences, InMemoryEventBus Events) Start(TimeProvider time) =>
        (new InMemorySequenceStore(_ => ClockSeed.Now(time)),
         new InMemoryEventBus(new EventLogRetention(10_000, TimeSpan.FromMinutes(5)), time, NullLogger<InMemoryEventBus>.Instance));
}
