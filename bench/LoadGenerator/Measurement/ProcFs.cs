using System.Globalization;

namespace ServerEvents.Bench.LoadGenerator.Measurement;

/// <summary>Reads CPU time and memory of processes, and the machine's CPU time, from /proc.</summary>
internal static class ProcFs
{
    // /proc reports CPU times in USER_HZ, which the kernel fixes at 100 for user space on Linux.
    private const double ClockTicksPerSecond = 100;

    /// <summary>
    /// User plus system CPU seconds of the processes and of their children that have exited and been waited for
    /// (PostgreSQL's ended backends); processes that have exited themselves count as 0.
    /// </summary>
    public static double CpuSeconds(IEnumerable<int> pids) => pids.Sum(pid =>
    {
        var fields = StatFields(pid);
        return fields is null ? 0 : fields[11..15].Sum(ParseLong) / ClockTicksPerSecond;
    });

    /// <summary>
    /// The processes' summed proportional set size (PSS) in KiB: resident memory with shared pages split between
    /// the processes that map them, so nginx's workers and shared zone are not counted twice.
    /// </summary>
    public static long ProportionalKilobytes(IEnumerable<int> pids) => pids.Sum(pid =>
    {
        var path = $"/proc/{pid}/smaps_rollup";
        if (!File.Exists(path))
        {
            return 0L;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
        return line is null ? 0 : ParseLong(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    });

    /// <summary>The given processes and every process descended from them (nginx's workers).</summary>
    public static IReadOnlyList<int> WithDescendants(IReadOnlyCollection<int> roots)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && StatFields(pid) is { } fields)
            {
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        var result = new HashSet<int>(roots);
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                if (result.Contains(parent) && result.Add(pid))
                {
                    grew = true;
                }
            }
        }
        while (grew);

        return [.. result];
    }

    /// <summary>Busy and total CPU time of the whole machine, in clock ticks (all cores).</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var values = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(ParseLong).ToArray();
        var total = values.Take(8).Sum();
        var idle = values[3] + values[4];
        return (total - idle, total);
    }

    // The fields after "pid (comm)", so field 0 is the state and field 1 the parent pid; comm may hold spaces.
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long ParseLong(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
