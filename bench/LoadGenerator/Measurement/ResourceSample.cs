using System.Diagnostics;

namespace ServerEvents.Bench.LoadGenerator.Measurement;

/// <summary>CPU time of the server, of the generator and of the machine at one instant.</summary>
internal sealed record ResourceSample(long Timestamp, double ServerCpuSeconds, double GeneratorCpuSeconds, long MachineBusyTicks, long MachineTotalTicks)
{
    /// <summary>Samples the server processes and the generator processes (this one and its workers).</summary>
    public static ResourceSample Take(IReadOnlyCollection<int> serverPids, IReadOnlyCollection<int> generatorPids)
    {
        var (busy, total) = ProcFs.MachineTicks();
        return new ResourceSample(Stopwatch.GetTimestamp(), ProcFs.CpuSeconds(serverPids), ProcFs.CpuSeconds(generatorPids), busy, total);
    }

    /// <summary>What was used between <paramref name="start"/> and this sample.</summary>
    public CpuWindow Since(ResourceSample start)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalSeconds;
        var machineTicks = Math.Max(1, MachineTotalTicks - start.MachineTotalTicks);

        // A process that exited meanwhile reads as 0 now; its time is then unknown rather than negative.
        var server = Math.Max(0, ServerCpuSeconds - start.ServerCpuSeconds);
        var generator = Math.Max(0, GeneratorCpuSeconds - start.GeneratorCpuSeconds);
        return new CpuWindow(
            seconds,
            server,
            Percent(server, seconds),
            Percent(generator, seconds),
            100.0 * Environment.ProcessorCount * (MachineBusyTicks - start.MachineBusyTicks) / machineTicks);
    }

    private static double Percent(double cpuSeconds, double seconds) => seconds > 0 ? 100 * cpuSeconds / seconds : 0;
}

/// <summary>
/// CPU use over a window, each in percent of one core (the machine's capacity is 100 × cores), and which side
/// limited it.
/// </summary>
internal sealed record CpuWindow(double Seconds, double ServerCpuSeconds, double ServerPercent, double GeneratorPercent, double MachinePercent)
{
    /// <summary>CPU used by processes outside the run (other work on the machine), in percent of one core.</summary>
    public double OtherPercent => Math.Max(0, MachinePercent - ServerPercent - GeneratorPercent);

    // Above this share of all cores the run is CPU-bound and whoever used more of it is the limit.
    private const double SaturatedShare = 0.85;

    /// <summary>
    /// "server CPU" or "generator CPU" when the machine was saturated, "other load" when mostly by processes outside
    /// the run, or "not CPU-bound" when the machine had room to spare.
    /// </summary>
    public string Limiter =>
        MachinePercent < SaturatedShare * 100 * Environment.ProcessorCount ? "not CPU-bound"
        : ServerPercent + GeneratorPercent < MachinePercent / 2 ? "other load"
        : ServerPercent >= GeneratorPercent ? "server CPU" : "generator CPU";
}
