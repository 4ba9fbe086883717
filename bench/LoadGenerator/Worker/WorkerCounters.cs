using System.Diagnostics;
using ServerEvents.Bench.LoadGenerator.Measurement;

namespace ServerEvents.Bench.LoadGenerator.Worker;

/// <summary>What every stream of one worker adds up to; updated from many receive loops at once.</summary>
internal sealed class WorkerCounters
{
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly TaskCompletionSource _allWarmed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile LatencyHistogram _latency = new();
    private int _warmed;
    private int _expected = int.MaxValue;
    private int _dropped;
    private int _droppedAfterWarm;
    private long _received;
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

    /// <summary>Heartbeats the server answered with a success status.</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    /// <summary>Heartbeats that failed or were refused.</summary>
    public long HeartbeatFailures => Interlocked.Read(ref _heartbeatFailures);

    public void Heartbeat(bool succeeded) => Interlocked.Increment(ref succeeded ? ref _heartbeats : ref _heartbeatFailures);

    public LatencyHistogram Latency => _latency;

    /// <summary>Starts a measurement from zero.</summary>
    public void StartMeasuring()
    {
        _latency = new LatencyHistogram();
        Interlocked.Exchange(ref _received, 0);
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

    public void Measured(long sentTimestamp, long receivedTimestamp)
    {
        if (!_measuring)
        {
            return;
        }

        Interlocked.Increment(ref _received);
        _latency.Record((long)((receivedTimestamp - sentTimestamp) * MicrosecondsPerTick));
    }

    private void CompleteIfAllWarmed()
    {
        if (Warmed >= Volatile.Read(ref _expected))
        {
            _allWarmed.TrySetResult();
        }
    }
}
