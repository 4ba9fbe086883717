namespace ServerEvents.Bench.LoadGenerator.Report;

/// <summary>One row of the table: how to read it from a result, and whether ratios make sense for it.</summary>
/// <param name="Name">The row label, with its unit.</param>
/// <param name="Number">The value, or null when the run did not measure it; null for text rows.</param>
/// <param name="Text">How the value is shown.</param>
internal sealed record Figure(string Name, Func<RunResult, double?>? Number, Func<RunResult, string> Text)
{
    /// <summary>
    /// The rows for a run that opens and holds streams, then (when it publishes) fans out, and (when some subject's
    /// streams heartbeat) the heartbeats.
    /// </summary>
    public static IReadOnlyList<Figure> For(bool publishes, bool heartbeats)
    {
        List<Figure> rows =
        [
            Numeric("streams held", r => r.Held, "0"),
            Label("streams not opened", r => r.Failed == 0 ? "0" : $"{r.Failed} ({r.FirstError})"),
            Label("server process", r => r.ServerExited ? "**exited** (see RESULTS.md)" : "ran throughout"),
            Numeric("connect rate (streams/s)", r => r.ConnectPerSecond, "0"),
            Label("connect limited by", r => r.ServerExited ? "void: the server exited" : $"{r.ConnectLimiter} (srv {r.ConnectServerCpuPercent:0}%, gen {r.ConnectGeneratorCpuPercent:0}%, other {r.ConnectOtherCpuPercent:0}%)"),
            Numeric("server memory per stream (KB)", r => r.MemoryPerConnectionKb * 1.024, "0.0"),
        ];
        if (publishes)
        {
            rows.AddRange(
            [
                Numeric("delivered (msg/s)", r => r.DeliveredPerSecond, "0"),
                Numeric("lost (expected - delivered)", r => r.Expected - r.Delivered, "0"),
                Numeric("latency p50 (ms)", r => r.P50Ms, "0.0"),
                Numeric("latency p99 (ms)", r => r.P99Ms, "0.0"),
                Numeric("latency p99.9 (ms)", r => r.P999Ms, "0.0"),
                Numeric("first recipient p50 (ms)", r => r.FirstRecipientP50Ms, "0.0"),
                Numeric("first recipient p99 (ms)", r => r.FirstRecipientP99Ms, "0.0"),
                Numeric("first recipient p99.9 (ms)", r => r.FirstRecipientP999Ms, "0.0"),
                Numeric("server CPU s per 1M deliveries", r => r.ServerCpuSecondsPerMillion, "0.00"),
                Numeric("generator CPU s per 1M deliveries", GeneratorCpuSecondsPerMillion, "0.00"),
                Numeric("server CPU (% of a core)", r => r.ServerCpuPercent, "0"),
                Numeric("generator CPU (% of a core)", r => r.GeneratorCpuPercent, "0"),
                Numeric("other processes' CPU (% of a core)", r => r.OtherCpuPercent, "0"),
                Label("delivery limited by", r => $"{r.Limiter} (machine {r.MachineCpuPercent:0}% of {100 * Environment.ProcessorCount}%)"),
            ]);
        }

        if (heartbeats)
        {
            rows.Add(Label("heartbeats accepted (failed)", r => r.Heartbeat ? $"{r.Heartbeats} ({r.HeartbeatFailures})" : "none sent"));
        }

        return rows;
    }

    // The window's length is the server's CPU seconds over its share of a core.
    private static double GeneratorCpuSecondsPerMillion(RunResult r) =>
        r.Delivered > 0 && r.ServerCpuPercent > 0
            ? r.GeneratorCpuPercent / r.ServerCpuPercent * r.ServerCpuSeconds / r.Delivered * 1_000_000
            : 0;

    private static Figure Numeric(string name, Func<RunResult, double> value, string format) =>
        new(name, r => value(r), r => value(r).ToString(format, System.Globalization.CultureInfo.InvariantCulture));

    private static Figure Label(string name, Func<RunResult, string> text) => new(name, null, text);
}
