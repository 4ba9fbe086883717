namespace ServerEvents.Grains.Events;

/// <summary>How a silo hands the log's batches to the front-ends.</summary>
public sealed class FanOutOptions
{
    /// <summary>
    /// The least time between the log's calls to its observers while it is busy (see <see cref="ObserverCallPacer"/>).
    /// Each call costs a front-end the same to take in however few items it carries, and under load a call per commit
    /// round made the front-ends the largest share of the tier's CPU. At 5 ms, with a call going as soon as it has
    /// <see cref="DefaultObserverCallItems"/> items, they used less CPU per delivery and a delivery under load took
    /// about a millisecond longer at p50, one after a quiet spell no longer (measured; bench/RESULTS.md). Spacing alone
    /// saved more but, waiting on a timer every time, took the hop to the edge of its 5 ms target.
    /// </summary>
    public static readonly TimeSpan DefaultObserverCallSpacing = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// A call with this many items goes at once: waiting for more would save the front-ends little and cost every item
    /// in it the wait.
    /// </summary>
    public const int DefaultObserverCallItems = 4;

    /// <summary>How often the stream agent polls its queue. Default <see cref="FanOutStream.DefaultPollPeriod"/>.</summary>
    public TimeSpan PollPeriod { get; set; } = FanOutStream.DefaultPollPeriod;

    /// <summary>
    /// The least time between the log's calls to its observers while it is busy; zero calls them once per commit
    /// round. Default <see cref="DefaultObserverCallSpacing"/>.
    /// </summary>
    public TimeSpan ObserverCallSpacing { get; set; } = DefaultObserverCallSpacing;

    /// <summary>
    /// The number of items that makes an observer call full: it goes without waiting out the spacing. Default
    /// <see cref="DefaultObserverCallItems"/>.
    /// </summary>
    public int ObserverCallItems { get; set; } = DefaultObserverCallItems;
}
