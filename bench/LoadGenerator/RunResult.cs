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
    public long Expected { get; init; }
    public long Delivered { get; init; }
    public double DeliveredPerSecond { get; init; }
    public double P50Ms { get; init; }
    public double P99Ms { get; init; }
    public double P999Ms { get; init; }
    public double MaxMs { get; init; }
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
