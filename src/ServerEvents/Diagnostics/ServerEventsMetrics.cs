using System.Diagnostics.Metrics;

namespace ServerEvents.Diagnostics;

/// <summary>
/// The feature's instruments on the <c>ServerEvents</c> meter, plus running totals for
/// <see cref="IServerEvents.GetStatistics"/>. Every figure is this node's: an exporter tells nodes apart by its
/// resource (<c>service.instance.id</c>).
/// </summary>
public sealed class ServerEventsMetrics
{
    /// <summary>The meter name, for OpenTelemetry or dotnet-counters.</summary>
    public const string MeterName = "ServerEvents";

    /// <summary>The attribute naming the cluster tier on the fan-out instruments.</summary>
    public const string TierAttribute = "serverevents.tier";

    // Fan-out lag is milliseconds on one node and can reach seconds when a node catches up; the SDK's default
    // boundaries start at 5 (seconds, for this unit) and would put every healthy delivery in the first bucket.
    private static readonly double[] LagBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly UpDownCounter<long> _connectionsOpen;
    private readonly Counter<long> _connectionsRefused;
    private readonly Counter<long> _eventsPublished;
    private readonly Counter<long> _framesDelivered;
    private readonly Counter<long> _queueOverflows;
    private readonly Counter<long> _eventsReplayed;
    private readonly Counter<long> _replays;
    private readonly Counter<long> _expirySweeps;
    private readonly Counter<long> _expiryDepartures;
    private readonly Histogram<double> _fanOutLag;
    private readonly Counter<long> _fanOutGaps;
    private readonly Counter<long> _fanOutCaughtUp;
    private readonly Counter<long> _fanOutResubscriptions;

    private long _openConnections;
    private long _refusedTotal;
    private long _publishedTotal;
    private long _deliveredTotal;
    private long _overflowTotal;
    private long _replayedTotal;

    /// <summary>Creates the instruments.</summary>
    public ServerEventsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _connectionsOpen = meter.CreateUpDownCounter<long>("serverevents.connections.open", "{connection}", "Event streams open on this node.");
        _connectionsRefused = meter.CreateCounter<long>("serverevents.connections.refused", "{connection}", "Event streams refused because this node held its maximum.");
        _eventsPublished = meter.CreateCounter<long>("serverevents.events.published", "{event}", "Events published from this node.");
        _framesDelivered = meter.CreateCounter<long>("serverevents.frames.delivered", "{frame}", "Frames written to event streams.");
        _queueOverflows = meter.CreateCounter<long>("serverevents.queue.overflows", "{connection}", "Streams closed because their queue was full.");
        _eventsReplayed = meter.CreateCounter<long>("serverevents.events.replayed", "{event}", "Missed events replayed to resuming streams.");
        _replays = meter.CreateCounter<long>("serverevents.replays", "{replay}", "Resuming streams that were replayed what they missed from the log.");
        _expirySweeps = meter.CreateCounter<long>("serverevents.expiry.sweeps", "{sweep}", "Sweeps for subscriptions that missed their heartbeats.");
        _expiryDepartures = meter.CreateCounter<long>("serverevents.expiry.departures", "{subscription}", "Subscriptions the sweeps expired.");
        _fanOutLag = meter.CreateHistogram(
            "serverevents.fanout.lag",
            "s",
            "Time from an event's publish (on any node, by that node's clock) to this node receiving it from the cluster tier.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBoundaries });
        _fanOutGaps = meter.CreateCounter<long>("serverevents.fanout.gaps", "{gap}", "Times this node's fan-out arrived ahead of its turn and the missing positions were read from the log.");
        _fanOutCaughtUp = meter.CreateCounter<long>("serverevents.fanout.caught_up", "{item}", "Events and signals this node read from the log instead of taking them from the fan-out.");
        _fanOutResubscriptions = meter.CreateCounter<long>("serverevents.fanout.resubscriptions", "{resubscription}", "Times this node's fan-out (PostgreSQL listener connection, Orleans stream subscription) was lost and made again.");
    }

    /// <summary>Records that this node found its fan-out behind: positions came late and are read from the log.</summary>
    /// <param name="tier">The cluster tier, e.g. <c>postgres</c>.</param>
    public void FanOutGap(string tier) => _fanOutGaps.Add(1, new KeyValuePair<string, object?>(TierAttribute, tier));

    /// <summary>Records events and signals this node read from the log rather than took from the fan-out.</summary>
    /// <param name="tier">The cluster tier, e.g. <c>postgres</c>.</param>
    /// <param name="count">How many items were read.</param>
    public void FanOutCaughtUp(string tier, int count)
    {
        if (count > 0)
        {
            _fanOutCaughtUp.Add(count, new KeyValuePair<string, object?>(TierAttribute, tier));
        }
    }

    /// <summary>Records that this node's fan-out subscription was lost and made again.</summary>
    /// <param name="tier">The cluster tier, e.g. <c>orleans</c>.</param>
    public void FanOutResubscribed(string tier) => _fanOutResubscriptions.Add(1, new KeyValuePair<string, object?>(TierAttribute, tier));

    /// <summary>Whether anyone listens to the fan-out lag, so the caller can skip reading the clock.</summary>
    internal bool IsFanOutLagEnabled => _fanOutLag.Enabled;

    internal void FanOutLag(TimeSpan lag) => _fanOutLag.Record(Math.Max(0, lag.TotalSeconds));

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _openConnections);
        _connectionsOpen.Add(1);
    }

    internal void ConnectionClosed()
    {
        Interlocked.Decrement(ref _openConnections);
        _connectionsOpen.Add(-1);
    }

    internal void ConnectionRefused()
    {
        Interlocked.Increment(ref _refusedTotal);
        _connectionsRefused.Add(1);
    }

    internal void EventPublished()
    {
        Interlocked.Increment(ref _publishedTotal);
        _eventsPublished.Add(1);
    }

    internal void FramesDelivered(int count)
    {
        Interlocked.Add(ref _deliveredTotal, count);
        _framesDelivered.Add(count);
    }

    internal void QueueOverflowed()
    {
        Interlocked.Increment(ref _overflowTotal);
        _queueOverflows.Add(1);
    }

    /// <summary>Records one resuming stream's replay and how many events it was sent.</summary>
    internal void EventsReplayed(int count)
    {
        Interlocked.Add(ref _replayedTotal, count);
        _replays.Add(1);
        _eventsReplayed.Add(count);
    }

    internal void ExpirySwept(int expired)
    {
        _expirySweeps.Add(1);
        if (expired > 0)
        {
            _expiryDepartures.Add(expired);
        }
    }

    /// <summary>The running totals of this node.</summary>
    public ServerEventsStatistics Snapshot() => new(
        Interlocked.Read(ref _openConnections),
        Interlocked.Read(ref _publishedTotal),
        Interlocked.Read(ref _deliveredTotal),
        Interlocked.Read(ref _overflowTotal),
        Interlocked.Read(ref _replayedTotal),
        Interlocked.Read(ref _refusedTotal));
}

/// <summary>Running totals of one node.</summary>
/// <param name="OpenConnections">Event streams open now.</param>
/// <param name="EventsPublished">Events published from this node.</param>
/// <param name="FramesDelivered">Frames written to event streams.</param>
/// <param name="QueueOverflows">Streams closed because their queue was full.</param>
/// <param name="EventsReplayed">Missed events replayed to resuming streams.</param>
/// <param name="ConnectionsRefused">Event streams refused because this node held <see cref="Hosting.ServerEventsOptions.MaxConnections"/>.</param>
public sealed record ServerEventsStatistics(
    long OpenConnections,
    long EventsPublished,
    long FramesDelivered,
    long QueueOverflows,
    long EventsReplayed,
    long ConnectionsRefused);
