namespace ServerEvents.Cluster;

/// <summary>Cluster-wide named sequences (anonymous user numbers, message ids, application counters).</summary>
public interface ISequenceStore
{
    /// <summary>Returns the next value of the named sequence, starting at 1.</summary>
    ValueTask<long> NextAsync(string name, CancellationToken cancellationToken = default);
}
