namespace ServerEvents.Grains.Events;

/// <summary>How a silo hands the log's batches to the front-ends.</summary>
public sealed class FanOutOptions
{
    /// <summary>
    /// The least time between the log's calls to its observers while it is busy (see <see cref="ObserverCallPacer"/>).
    /// Each call costs a front-end the same to take in however few items it carries, and under load a call per commit
    /// round made the front-ends the largest share of the tier's CPU; at 5 ms they used less CPU per delivery and a
    /// delivery under load took a few milliseconds longer, one after a quiet spell none (measured; bench/RESULTS.md).
    /// Shorter spacings (3 and 4 ms) cost about as much latency and saved less.
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
