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
}
