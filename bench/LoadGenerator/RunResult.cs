using System.Text.Json;

namespace ServerEvents.Bench.LoadGenerator;

/// <summary>Every figure of one run, printed by <c>run</c> as JSON and read back by <c>table</c>.</summary>
internal sealed record RunResult
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public required string Subject { get; init; }
    public required string Scenario { get; init; }
    public required int Connections { get; init; }
    public required int Channels { get; init; }

    /// <summary>Whether every stream heartbeated as a ServiceStack client does (<c>--heartbeat</c>).</summary>
    public bool Heartbeat { get; init; }

    /// <summary>The configuration overrides the server ran with in this scenario, if any (<c>--server-settings</c>).</summary>
    public string? ServerSettings { get; init; }

    // Opening and holding the streams.
    public int Opened { get; init; }
    public int Failed { get; init; }
    public string? FirstError { get; init; }
    public double ConnectSeconds { get; init; }
    public double ConnectPerSecond { get; init; }
    public string? ConnectLimiter { get; init; }
    public double ConnectServerCpuPercent { get; init; }
    public double ConnectGeneratorCpuPercent { get; init; }
    public double ConnectOtherCpuPercent { get; init; }

    /// <summary>Streams that proved live by receiving a warm-up message, less any the server closed later.</summary>
    public int Held { get; init; }

    /// <summary>Whether a server process had exited by the end of the run (its figures are then void).</summary>
    public bool ServerExited { get; init; }
    public long MemoryBeforeKb { get; init; }
    public long MemoryAfterKb { get; init; }
    public double MemoryPerConnectionKb { get; init; }

    // Publishing and delivery, over the measured window.
    public double PublishRate { get; init; }
    public double DurationSeconds { get; init; }
    public long Published { get; init; }
    public long PublishErrors { get; init; }
    public string? FirstPublishError { get; init; }

    /// <summary>Messages published to each channel times the streams subscribed to it when measuring started.</summary>
    public long Expected { get; init; }

    /// <summary>Measured messages that arrived at any stream, including streams the server dropped later.</summary>
    public long Delivered { get; init; }

    /// <summary>
    /// The measured wall time of delivery: from the first message's due time to the last arrival, at least the
    /// duration (longer when the publisher or the server fell behind).
    /// </summary>
    public double DeliverySeconds { get; init; }

    /// <summary><see cref="Delivered"/> over <see cref="DeliverySeconds"/>.</summary>
    public double DeliveredPerSecond { get; init; }

    // Latency of every delivery, from the message's due time to the moment the generator read its frame.
    public double P50Ms { get; init; }
    public double P99Ms { get; init; }
    public double P999Ms { get; init; }
    public double MaxMs { get; init; }

    // Latency from each message's due time to its first recipient (the earliest stream over all workers).
    public double FirstRecipientP50Ms { get; init; }
    public double FirstRecipientP99Ms { get; init; }
    public double FirstRecipientP999Ms { get; init; }
    public double ServerCpuSeconds { get; init; }
    public double ServerCpuSecondsPerMillion { get; init; }
    public double ServerCpuPercent { get; init; }
    public double GeneratorCpuPercent { get; init; }
    public double MachineCpuPercent { get; init; }
    public double OtherCpuPercent { get; init; }
    public string? Limiter { get; init; }

    /// <summary>Heartbeats the server accepted (runs with <c>--heartbeat</c>).</summary>
    public long Heartbeats { get; init; }

    /// <summary>Heartbeats that failed or were refused.</summary>
    public long HeartbeatFailures { get; init; }
}
