using System.Text.Json;

namespace ServerEvents.Bench.LoadGenerator;

/// <summary>
/// One JSON line a worker process prints for the coordinator. <see cref="Type"/> says which fields are set:
/// <c>started</c>, <c>connected</c>, <c>ready</c>, <c>measuring</c>, <c>progress</c> or <c>report</c>.
/// </summary>
internal sealed record WorkerMessage
{
    /// <summary>Serialisation shared by both ends of the pipe.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What the line reports.</summary>
    public required string Type { get; init; }

    /// <summary>Streams whose response head was 200.</summary>
    public int Opened { get; init; }

    /// <summary>Streams that could not be opened.</summary>
    public int Failed { get; init; }

    /// <summary>The first failure, for the log.</summary>
    public string? FirstError { get; init; }

    /// <summary>Seconds from the connect command until every stream was opened or had failed.</summary>
    public double ConnectSeconds { get; init; }

    /// <summary>Streams that have received a warm-up message (proof they are live).</summary>
    public int Warmed { get; init; }

    /// <summary>Streams that received a warm-up message and are still open.</summary>
    public int Live { get; init; }

    /// <summary>Streams the server closed.</summary>
    public int Dropped { get; init; }

    /// <summary>Measured messages received since the measure command.</summary>
    public long Received { get; init; }

    /// <summary>When the latest measured message arrived, in Stopwatch ticks; 0 before any (the <c>report</c>).</summary>
    public long LastArrival { get; init; }

    /// <summary>Heartbeats the server accepted.</summary>
    public long Heartbeats { get; init; }

    /// <summary>Heartbeats that failed or were refused.</summary>
    public long HeartbeatFailures { get; init; }

    /// <summary>The latency histogram of the measured messages (sparse buckets).</summary>
    public long[][]? Latency { get; init; }

    /// <summary>
    /// Per channel, the streams the server had accepted that were still open when measuring started (the
    /// <c>measuring</c> answer): each is owed every message published to its channel.
    /// </summary>
    public int[]? Subscribed { get; init; }

    /// <summary>
    /// Per measured message (by sequence number), the lowest latency in microseconds at any of the worker's streams,
    /// <see cref="Measurement.FirstArrivals.None"/> where none received it (the <c>report</c>).
    /// </summary>
    public long[]? FirstArrivals { get; init; }
}
