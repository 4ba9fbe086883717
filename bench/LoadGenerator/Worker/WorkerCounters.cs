using System.Diagnostics;
using ServerEvents.Bench.LoadGenerator.Measurement;
using ServerEvents.Bench.LoadGenerator.Protocol;

namespace ServerEvents.Bench.LoadGenerator.Worker;

/// <summary>What every stream of one worker adds up to; updated from many receive loops at once.</summary>
internal sealed class WorkerCounters
{
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly TaskCompletionSource _allWarmed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile LatencyHistogram _latency = new();
    private volatile FirstArrivals _firstArrivals = new(0);
    private int _warmed;
    private int _expected = int.MaxValue;
    private int _dropped;
    private int _droppedAfterWarm;
    private long _received;
    private long _lastArrival;
    private long _heartbeats;
    private long _heartbeatFailures;
    private volatile bool _measuring;

    /// <summary>Completes when every stream has received a warm-up message.</summary>
    public Task AllWarmed => _allWarmed.Task;

    public int Warmed => Volatile.Read(ref _warmed);

    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Streams that proved live and are still open.</summary>
    public int Live => Warmed - Volatile.Read(ref _droppedAfterWarm);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>When the latest measured message arrived (Stopwatch ticks); 0 before any.</summary>
    public long LastArrival => Interlocked.Read(ref _lastArrival);

    /// <summary>Heartbeats the server answered with a success status.</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    /// <summary>Heartbeats that failed or were refused.</summary>
    public long HeartbeatFailures => Interlocked.Read(ref _heartbeatFailures);

    public void Heartbeat(bool succeeded) => Interlocked.Increment(ref succeeded ? ref _heartbeats : ref _heartbeatFailures);

    public LatencyHistogram Latency => _latency;

    /// <summary>The earliest arrival of each measured message at any of this worker's streams.</summary>
    public FirstArrivals FirstArrivals => _firstArrivals;

    /// <summary>Starts a measurement of <paramref name="messages"/> messages from zero.</summary>
    public void StartMeasuring(int messages)
    {
        _latency = new LatencyHistogram();
        _firstArrivals = new FirstArrivals(messages);
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _lastArrival, 0);
        _measuring = true;
    }

    public void StopMeasuring() => _measuring = false;

    /// <summary>Sets how many streams must be warmed (those that opened) for <see cref="AllWarmed"/>.</summary>
    public void ExpectWarmed(int streams)
    {
        Volatile.Write(ref _expected, streams);
        CompleteIfAllWarmed();
    }

    public void StreamWarmed()
    {
        Interlocked.Increment(ref _warmed);
        CompleteIfAllWarmed();
    }

    public void StreamDropped(bool wasWarmed)
    {
        Interlocked.Increment(ref _dropped);
        if (wasWarmed)
        {
            Interlocked.Increment(ref _droppedAfterWarm);
        }
    }

    /// <summary>Counts a measured message read at <paramref name="receivedTimestamp"/>, with its latency from its stamp.</summary>
    public void Measured(PayloadStamp stamp, long receivedTimestamp)
    {
        if (!_measuring)
        {
            return;
        }

        Interlocked.Increment(ref _received);
        var microseconds = Math.Max(0, (long)((receivedTimestamp - stamp.Timestamp) * MicrosecondsPerTick));
        _latency.Record(microseconds);
        _firstArrivals.Record(stamp.Sequence, microseconds);
        Extreme.KeepHighest(ref _lastArrival, receivedTimestamp);
    }

    private void CompleteIfAllWarmed()
    {
        if (Warmed >= Volatile.Read(ref _expected))
        {
            _allWarmed.TrySetResult();
        }
    }
}
