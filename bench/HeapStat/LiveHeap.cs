using Microsoft.Diagnostics.Runtime;

namespace ServerEvents.Bench.HeapStat;

/// <summary>The objects of a process dump that are reachable from a root, summed by type.</summary>
internal sealed class LiveHeap
{
    private LiveHeap(Dictionary<string, TypeTotal> byType) => ByType = byType;

    /// <summary>Live bytes and object count per type name.</summary>
    public IReadOnlyDictionary<string, TypeTotal> ByType { get; }

    /// <summary>All live bytes.</summary>
    public long Bytes => ByType.Values.Sum(t => t.Bytes);

    /// <summary>
    /// Marks every object reachable from the dump's roots. Garbage is left out on purpose: what a held stream
    /// costs is what it keeps alive, while garbage is the GC's headroom, which the benchmark's memory figure
    /// shows separately.
    /// </summary>
    public static LiveHeap Read(string dumpPath)
    {
        using var target = DataTarget.LoadDump(dumpPath);
        using var runtime = target.ClrVersions[0].CreateRuntime();
        var heap = runtime.Heap;

        var marked = new HashSet<ulong>();
        var pending = new Stack<ulong>();
        foreach (var root in heap.EnumerateRoots())
        {
            Mark(root.Object.Address, marked, pending);
        }

        var byType = new Dictionary<string, TypeTotal>(StringComparer.Ordinal);
        while (pending.TryPop(out var address))
        {
            var value = heap.GetObject(address);
            if (!value.IsValid)
            {
                continue;
            }

            var name = value.Type?.Name ?? "(unknown)";
            var total = byType.GetValueOrDefault(name);
            byType[name] = new TypeTotal(total.Count + 1, total.Bytes + (long)value.Size);
            foreach (var reference in value.EnumerateReferenceAddresses(carefully: true))
            {
                Mark(reference, marked, pending);
            }
        }

        return new LiveHeap(byType);
    }

    private static void Mark(ulong address, HashSet<ulong> marked, Stack<ulong> pending)
    {
        if (address != 0 && marked.Add(address))
        {
            pending.Push(address);
        }
    }
}

/// <summary>How many live objects of one type, and their bytes.</summary>
internal readonly record struct TypeTotal(long Count, long Bytes);
