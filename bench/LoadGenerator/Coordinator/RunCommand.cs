using System.Diagnostics;
using System.Net;
using ServerEvents.Bench.LoadGenerator.Measurement;
using ServerEvents.Bench.LoadGenerator.Worker;

namespace ServerEvents.Bench.LoadGenerator.Coordinator;

/// <summary>
/// The <c>run</c> command: starts the workers, has them open every stream, proves each stream live with a
/// warm-up message, reads the server's memory, publishes at a fixed rate while sampling CPU from /proc, and
/// merges the workers' counts and latency histograms into one <see cref="RunResult"/>.
/// </summary>
internal sealed class RunCommand(RunOptions options)
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    private readonly List<WorkerProcess> _workers = [];

    public async Task<RunResult> RunAsync()
    {
        try
        {
            return await MeasureAsync();
        }
        finally
        {
            foreach (var worker in _workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private async Task<RunResult> MeasureAsync()
    {
        StartWorkers();
        await Task.WhenAll(_workers.Select(w => w.WaitForAsync("started", AnswerTimeout)));
        var memoryBefore = ProcFs.ProportionalKilobytes(ServerProcesses());

        var connectStart = Sample();
        await Task.WhenAll(_workers.Select(w => w.SendAsync("connect")));
        var connected = await Task.WhenAll(_workers.Select(w => w.WaitForAsync("connected", TimeSpan.FromMinutes(10))));
        var connectWindow = Sample().Since(connectStart);
        var opened = connected.Sum(c => c.Opened);
        var firstError = connected.Select(c => c.FirstError).FirstOrDefault(e => e is not null);
        Log($"{opened} of {options.Connections} streams open in {connectWindow.Seconds:0.0} s ({connectWindow.Limiter})"
            + (firstError is null ? "" : $"; first failure: {firstError}"));

        using var publisher = new Publisher(options.Subject, options.Server, options.Ports[0]);
        await WarmUpAsync(publisher);
        await Task.Delay(options.SettleTime);
        var memoryAfter = ProcFs.ProportionalKilobytes(ServerProcesses());
        var held = await CountHeldAsync();
        var exited = ServerExited();
        Log($"{held} streams live; server memory {memoryBefore / 1024.0:0.0} -> {memoryAfter / 1024.0:0.0} MiB");

        var result = new RunResult
        {
            Subject = options.Subject,
            Scenario = options.Scenario,
            Connections = options.Connections,
            Channels = options.Channels,
            Heartbeat = options.Heartbeat,
            ServerSettings = options.ServerSettings,
            Opened = opened,
            Failed = connected.Sum(c => c.Failed),
            FirstError = firstError,
            ConnectSeconds = connectWindow.Seconds,
            ConnectPerSecond = opened / connectWindow.Seconds,
            ConnectLimiter = connectWindow.Limiter,
            ConnectServerCpuPercent = connectWindow.ServerPercent,
            ConnectGeneratorCpuPercent = connectWindow.GeneratorPercent,
            ConnectOtherCpuPercent = connectWindow.OtherPercent,
            Held = held,
            MemoryBeforeKb = memoryBefore,
            MemoryAfterKb = memoryAfter,
            MemoryPerConnectionKb = opened > 0 && !exited ? (memoryAfter - memoryBefore) / (double)opened : 0,
            ServerExited = exited,
        };

        if (exited)
        {
            Log("a server process has exited (see its log)");
        }

        return options.PublishRate > 0 && options.Duration > TimeSpan.Zero && !exited
            ? await FanOutAsync(publisher, result)
            : result;
    }

    private async Task<RunResult> FanOutAsync(Publisher publisher, RunResult result)
    {
        // Every worker must be counting before the first publish: a message that reached a worker still reading the
        // command would be delivered but not counted (the first soak lost one channel's first message that way).
        var messages = (int)Math.Round(options.PublishRate * options.Duration.TotalSeconds);
        var measuring = await Task.WhenAll(_workers.Select(w => w.AskAsync($"measure {messages}", "measuring", AnswerTimeout)));
        var start = Sample();
        var scheduleStart = Stopwatch.GetTimestamp();
        var succeeded = await publisher.RunAsync(scheduleStart, options.PublishRate, messages, options.Channels);
        var expected = Expected(succeeded, measuring.Select(m => m.Subscribed ?? []));
        var received = await DrainAsync(expected);
        var window = Sample().Since(start);

        var reports = await Task.WhenAll(_workers.Select(w => w.AskAsync("report", "report", AnswerTimeout)));
        var latency = new LatencyHistogram();
        foreach (var report in reports)
        {
            latency.Add(LatencyHistogram.FromSparse(report.Latency ?? []));
        }

        var firstRecipient = FirstArrivals.Earliest([.. reports.Select(r => r.FirstArrivals ?? [])]);
        var delivered = reports.Sum(r => r.Received);
        // A publisher or server that falls behind stretches the deliveries past the nominal duration.
        var lastArrival = reports.Max(r => r.LastArrival);
        var deliverySeconds = Math.Max(
            options.Duration.TotalSeconds,
            lastArrival > 0 ? Stopwatch.GetElapsedTime(scheduleStart, lastArrival).TotalSeconds : 0);
        if (options.Heartbeat)
        {
            Log($"heartbeats: {reports.Sum(r => r.Heartbeats)} accepted, {reports.Sum(r => r.HeartbeatFailures)} failed");
        }

        Log($"delivered {delivered} of {expected}; p50 {latency.Percentile(0.5) / 1000.0:0.0} ms, p99 {latency.Percentile(0.99) / 1000.0:0.0} ms, "
            + $"first recipient p50 {firstRecipient.Percentile(0.5) / 1000.0:0.0} ms; "
            + $"server {window.ServerPercent:0}% CPU, generator {window.GeneratorPercent:0}% ({window.Limiter}); drained at {received}");
        return result with
        {
            Held = reports.Sum(r => r.Live),
            ServerExited = ServerExited(),
            PublishRate = options.PublishRate,
            DurationSeconds = options.Duration.TotalSeconds,
            Published = succeeded.Sum(),
            PublishErrors = publisher.Errors,
            FirstPublishError = publisher.FirstError,
            Expected = expected,
            Delivered = delivered,
            DeliverySeconds = deliverySeconds,
            DeliveredPerSecond = delivered / deliverySeconds,
            P50Ms = latency.Percentile(0.50) / 1000.0,
            P99Ms = latency.Percentile(0.99) / 1000.0,
            P999Ms = latency.Percentile(0.999) / 1000.0,
            MaxMs = latency.Percentile(1.0) / 1000.0,
            FirstRecipientP50Ms = firstRecipient.Percentile(0.50) / 1000.0,
            FirstRecipientP99Ms = firstRecipient.Percentile(0.99) / 1000.0,
            FirstRecipientP999Ms = firstRecipient.Percentile(0.999) / 1000.0,
            ServerCpuSeconds = window.ServerCpuSeconds,
            ServerCpuSecondsPerMillion = delivered > 0 ? window.ServerCpuSeconds / delivered * 1_000_000 : 0,
            ServerCpuPercent = window.ServerPercent,
            GeneratorCpuPercent = window.GeneratorPercent,
            MachineCpuPercent = window.MachinePercent,
            OtherCpuPercent = window.OtherPercent,
            Limiter = window.Limiter,
            Heartbeats = reports.Sum(r => r.Heartbeats),
            HeartbeatFailures = reports.Sum(r => r.HeartbeatFailures),
        };
    }

    private void StartWorkers()
    {
        var perWorker = (options.Connections + options.Workers - 1) / options.Workers;
        for (var w = 0; w < options.Workers; w++)
        {
            var first = w * perWorker;
            var count = Math.Min(perWorker, options.Connections - first);
            if (count <= 0)
            {
                break;
            }

            _workers.Add(WorkerProcess.Start(new WorkerOptions(
                options.Subject,
                options.Server,
                options.Ports,
                new IPAddress([127, 0, 0, (byte)(2 + w)]),
                count,
                first,
                options.Channels,
                options.MaxInFlight,
                options.ConnectRate / options.Workers,
                options.OpenTimeout,
                options.Heartbeat)));
        }
    }

    /// <summary>Publishes a warm-up message to every channel until every stream has received one, or the timeout.</summary>
    private async Task WarmUpAsync(Publisher publisher)
    {
        var allReady = Task.WhenAll(_workers.Select(w => w.Ready));
        var deadline = Stopwatch.StartNew();
        while (!allReady.IsCompleted && deadline.Elapsed < options.WarmUpTimeout)
        {
            await publisher.WarmUpAsync(options.Channels);
            await Task.WhenAny(allReady, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        // bench/heap-profile.sh waits for this line to dump the server while it holds every stream.
        Log(allReady.IsCompleted
            ? "every stream has received a warm-up message"
            : $"not every stream received a warm-up message within {options.WarmUpTimeout.TotalSeconds:0} s");
    }

    private async Task<int> CountHeldAsync()
    {
        var progress = await Task.WhenAll(_workers.Select(w => w.AskAsync("progress", "progress", AnswerTimeout)));
        return progress.Sum(p => p.Live);
    }

    /// <summary>Waits for in-flight deliveries after the last publish; returns what had arrived.</summary>
    private async Task<long> DrainAsync(long expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var progress = await Task.WhenAll(_workers.Select(w => w.AskAsync("progress", "progress", AnswerTimeout)));
            var received = progress.Sum(p => p.Received);
            if (received >= expected || deadline.Elapsed > DrainTimeout)
            {
                return received;
            }

            await Task.Delay(100);
        }
    }

    private bool ServerExited() => options.ServerPids.Any(pid => !Directory.Exists($"/proc/{pid}"));

    /// <summary>
    /// Deliveries owed: every message published to a channel, once to every stream subscribed to it when measuring
    /// started. A stream that the server drops later still counts, so the messages it then missed count as lost.
    /// </summary>
    /// <param name="published">Messages published per channel.</param>
    /// <param name="subscribed">Each worker's subscribed streams per channel.</param>
    internal static long Expected(long[] published, IEnumerable<int[]> subscribed) =>
        subscribed.Sum(worker => worker.Select((streams, channel) => streams * published[channel]).Sum());

    // Looked up at every sample: PostgreSQL starts a backend for each new pooled connection while the run goes on.
    private IReadOnlyList<int> ServerProcesses() => ProcFs.WithDescendants(options.ServerPids);

    private ResourceSample Sample() => ResourceSample.Take(ServerProcesses(), [Environment.ProcessId, .. _workers.Select(w => w.Pid)]);

    private void Log(string message) => Console.Error.WriteLine($"[{options.Subject}/{options.Scenario}] {message}");
}
