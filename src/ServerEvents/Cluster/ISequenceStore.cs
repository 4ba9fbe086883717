namespace ServerEvents.Cluster;

/// <summary>Cluster-wide named sequences (anonymous user numbers, message ids, application counters).</summary>
public interface ISequenceStore
{
    /// <summary>
    /// Reserves the next <paramref name="count"/> consecutive values of the named sequence and returns the first.
    /// A sequence starts at 1, and no value is ever handed out twice, on any node.
    /// </summary>
    /// <remarks>
    /// One reservation of many values is one trip to the store: a caller that needs unique numbers but not
    /// cluster-wide order (anonymous user numbers) takes a block and hands it out locally.
    /// </remarks>
    ValueTask<long> ReserveAsync(string name, int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the value of the named sequence that <paramref name="key"/> was given, reserving the next value for it
    /// the first time the key is asked for. Every node gets the same answer for a key, also after any of them
    /// restarts; values are unique across keys (and unique against <see cref="ReserveAsync"/> on the same sequence).
    /// </summary>
    /// <remarks>
    /// A cluster tier keeps the mapping where it keeps its other state, so it survives as long as that does; the
    /// embedded tier holds it in the process (a restart loses it together with everything else).
    /// </remarks>
    ValueTask<long> GetOrReserveAsync(string name, string key, CancellationToken cancellationToken = default);
}
