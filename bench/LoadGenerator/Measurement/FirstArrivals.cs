namespace ServerEvents.Bench.LoadGenerator.Measurement;

/// <summary>
/// For every measured message of one run (by its sequence number), the latency of the first of a worker's streams
/// that received it. The coordinator takes the minimum over the workers: the latency from the message's due time to
/// its first recipient anywhere, which for a two-node subject shows the cross-node hop apart from the fan-out.
/// </summary>
internal sealed class FirstArrivals
{
    /// <summary>Reported for a message none of the worker's streams received.</summary>
    public const long None = -1;

    private const long Unset = long.MaxValue;

    private readonly long[] _microseconds;

    /// <summary>Tracks messages 0 to <paramref name="messages"/> - 1.</summary>
    public FirstArrivals(int messages)
    {
        _microseconds = new long[messages];
        Array.Fill(_microseconds, Unset);
    }

    /// <summary>Records one arrival; thread-safe. A sequence number outside the run is ignored.</summary>
    public void Record(long sequence, long microseconds)
    {
        if ((ulong)sequence >= (ulong)_microseconds.Length)
        {
            return;
        }

        Extreme.KeepLowest(ref _microseconds[sequence], microseconds);
    }

    /// <summary>Each message's earliest latency in microseconds, <see cref="None"/> where none arrived.</summary>
    public long[] ToReport() => [.. _microseconds.Select(us => us == Unset ? None : us)];

    /// <summary>
    /// The histogram of each message's minimum over the workers' <see cref="ToReport"/> arrays; a message that no
    /// worker received is left out (it counts as lost elsewhere).
    /// </summary>
    public static LatencyHistogram Earliest(IReadOnlyCollection<long[]> reports)
    {
        var histogram = new LatencyHistogram();
        var messages = reports.Count == 0 ? 0 : reports.Max(r => r.Length);
        for (var sequence = 0; sequence < messages; sequence++)
        {
            var earliest = Unset;
            foreach (var report in reports)
            {
                if (sequence < report.Length && report[sequence] != None)
                {
                    earliest = Math.Min(earliest, report[sequence]);
                }
            }

            if (earliest != Unset)
            {
                histogram.Record(earliest);
            }
        }

        return histogram;
    }
}
