using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace ServerEvents.Cluster.Embedded;

/// <summary>Named sequences held in this process.</summary>
public sealed class InMemorySequenceStore : ISequenceStore
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _sequences = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<long> ReserveAsync(string name, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var counter = _sequences.GetOrAdd(name, static _ => new StrongBox<long>());
        return ValueTask.FromResult(Interlocked.Add(ref counter.Value, count) - count + 1);
    }
}
