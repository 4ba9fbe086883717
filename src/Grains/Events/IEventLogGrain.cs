using Orleans.Concurrency;

namespace ServerEvents.Grains.Events;

/// <summary>
/// The event log and sequencer of one deployment (keyed by its scope): hands out dense, strictly increasing positions,
/// stores every item in write-once segments, and publishes each group commit to the fan-out stream.
/// </summary>
[Alias("server-events.IEventLogGrain")]
public interface IEventLogGrain : IGrainWithStringKey
{
    /// <summary>
    /// Logs the items in order, sharing one commit with concurrent callers, and returns the position of each. The
    /// answer comes once they are durable; <paramref name="fanOut"/> says whether the stream publish follows that or
    /// precedes it.
    /// </summary>
    [Alias("Append")]
    Task<long[]> AppendAsync(IReadOnlyList<LogAppend> items, LogRetention retention, LogFanOut fanOut);

    /// <summary>The retained replayable items in (<paramref name="after"/>, <paramref name="through"/>], with retention applied as of <paramref name="now"/>.</summary>
    [Alias("Read"), ReadOnly]
    Task<LogSlice> ReadAsync(long after, long through, DateTimeOffset now, LogRetention retention);

    /// <summary>Every item (events, signals, voids) in (<paramref name="after"/>, newest handed out], at most <paramref name="max"/>, for a front-end catching up.</summary>
    [Alias("ReadItems"), ReadOnly]
    Task<LogBatch> ReadItemsAsync(long after, int max);

    /// <summary>The newest position handed out to the stream and the epoch, without items.</summary>
    [Alias("GetHead"), ReadOnly]
    Task<LogBatch> GetHeadAsync();
}
