using System.Globalization;

namespace ServerEvents.Hosting;

/// <summary>
/// The process's limit on open files, which bounds how many sockets it can hold: every stream is one. Reaching it
/// makes accepting, and even the runtime's own work, fail; so the defaults of
/// <see cref="ServerEventsOptions.MaxConnections"/> and of Kestrel's connection limit stay below it.
/// </summary>
internal static class OpenFileLimit
{
    /// <summary>
    /// Descriptors kept free of any connection: the runtime, the cluster tier's database pool, logs and files use
    /// a few hundred.
    /// </summary>
    internal const int ProcessReserve = 500;

    /// <summary>
    /// Connections kept free of streams, so heartbeats, publishes and the refusals of further streams can still
    /// be answered when the stream limit is reached.
    /// </summary>
    internal const int RequestReserve = 500;

    private static readonly Lazy<long?> Current = new(() => TryParse(ReadProcLimits()));

    /// <summary>The soft limit on open files, or null where it is unknown or unlimited.</summary>
    internal static long? Value => Current.Value;

    /// <summary>The most connections Kestrel should accept at once, or null for no limit.</summary>
    internal static long? ConnectionLimit(long? limit) => limit is { } l ? Math.Max(1, l - ProcessReserve) : null;

    /// <summary>The most streams this node should hold at once, or null for no limit.</summary>
    internal static int? StreamLimit(long? limit) =>
        limit is { } l ? (int)Math.Clamp(l - ProcessReserve - RequestReserve, 1, int.MaxValue) : null;

    /// <summary>Reads the soft limit from the "Max open files" line of <c>/proc/self/limits</c> (Linux).</summary>
    internal static long? TryParse(string? limits)
    {
        const string Prefix = "Max open files";
        var line = limits?.Split('\n').FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        var soft = line?[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static string? ReadProcLimits()
    {
        try
        {
            return OperatingSystem.IsLinux() ? File.ReadAllText("/proc/self/limits") : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
