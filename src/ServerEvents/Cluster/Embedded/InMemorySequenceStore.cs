using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace ServerEvents.Cluster.Embedded;

/// <summary>Named sequences held in this process.</summary>
public sealed class InMemorySequenceStore : ISequenceStore
{
    /// <summary>
    /// How many keys <see cref="GetOrReserveAsync"/> remembers before it starts again, so a flood of keys (anonymous
    /// sessions) costs memory only up to the bound; a key asked for again afterwards gets a new value.
    /// </summary>
    public const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, StrongBox<long>> _sequences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, string Key), Lazy<long>> _keys = new();
    private readonly Func<string, long> _start;

    /// <summary>Creates sequences that count from 1.</summary>
    public InMemorySequenceStore()
        : this(static _ => 0)
    {
    }

    /// <summary>Creates sequences whose first value is one more than <paramref name="start"/> gives for the name.</summary>
    /// <param name="start">Called once per sequence, when it is first used (see <see cref="ClockSeed"/>).</param>
    public InMemorySequenceStore(Func<string, long> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _start = start;
    }

    /// <inheritdoc />
    public ValueTask<long> ReserveAsync(string name, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var counter = _sequences.GetOrAdd(name, static (key, start) => new StrongBox<long>(start(key)), _start);
        return ValueTask.FromResult(Interlocked.Add(ref counter.Value, count) - count + 1);
    }

    /// <inheritdoc />
    public ValueTask<long> GetOrReserveAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (_keys.Count >= MaxKeys)
        {
            _keys.Clear();
        }

        // Lazy, so keys that race reserve one value between them rather than one each.
        var value = _keys.GetOrAdd((name, key), entry => new Lazy<long>(() => ReserveAsync(entry.Name, 1).Result));
        return ValueTask.FromResult(value.Value);
    }
}
