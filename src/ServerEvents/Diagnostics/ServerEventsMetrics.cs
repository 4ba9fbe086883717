using System.Diagnostics.Metrics;

namespace ServerEvents.Diagnostics;

/// <summary>
/// The feature's instruments on the <c>ServerEvents</c> meter, plus running totals for
/// <see cref="IServerEvents.GetStatistics"/>.
/// </summary>
public sealed class ServerEventsMetrics
{
    /// <summary>The meter name, for OpenTelemetry or dotnet-counters.</summary>
    public const string MeterName = "ServerEvents";

    private readonly UpDownCounter<long> _connectionsOpen;
    private readonly Counter<long> _connectionsRefused;
    private readonly Counter<long> _eventsPublished;
    private readonly Counter<long> _framesDelivered;
    private readonly Counter<long> _queueOverflows;
    private readonly Counter<long> _eventsReplayed;

    private long _openConnections;
    private long _refusedTotal;
    private long _publishedTotal;
    private long _deliveredTotal;
    private long _overflowTotal;
    private long _replayedTotal;

    /// <summary>Creates the instruments.</summary>
    public ServerEventsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _connectionsOpen = meter.CreateUpDownCounter<long>("serverevents.connections.open", "{connection}", "Event streams open on this node.");
        _connectionsRefused = meter.CreateCounter<long>("serverevents.connections.refused", "{connection}", "Event streams refused because this node held its maximum.");
        _eventsPublished = meter.CreateCounter<long>("serverevents.events.published", "{event}", "Events published from this node.");
        _framesDelivered = meter.CreateCounter<long>("serverevents.frames.delivered", "{frame}", "Frames written to event streams.");
        _queueOverflows = meter.CreateCounter<long>("serverevents.queue.overflows", "{connection}", "Streams closed because their queue was full.");
        _eventsReplayed = meter.CreateCounter<long>("serverevents.events.replayed", "{event}", "Missed events replayed to resuming streams.");
    }

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

    internal void EventsReplayed(int count)
    {
        Interlocked.Add(ref _replayedTotal, count);
        _eventsReplayed.Add(count);
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
