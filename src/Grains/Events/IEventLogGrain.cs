using Orleans.Concurrency;

namespace ServerEvents.Grains.Events;

/// <summary>
/// The event log and sequencer of one deployment (keyed by its scope): hands out dense, strictly increasing positions,
/// stores every item in write-once segments, and publishes each group commit to the fan-out stream, or to the
/// front-ends' registered observers when they use those instead.
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

    /// <summary>
    /// Registers <paramref name="observer"/>, or renews its registration, to receive every batch from now on in place of
    /// the stream. Idempotent. A registration lives in the activation only and lapses unless renewed within
    /// <paramref name="lease"/>, so a front-end renews it well within that: a new activation (after its silo failed)
    /// starts with none, and a front-end that died is dropped.
    /// </summary>
    [Alias("RegisterObserver")]
    Task RegisterObserverAsync(ILogBatchObserver observer, TimeSpan lease);

    /// <summary>Removes the registration of <paramref name="observer"/>, if there is one.</summary>
    [Alias("UnregisterObserver")]
    Task UnregisterObserverAsync(ILogBatchObserver observer);
}
