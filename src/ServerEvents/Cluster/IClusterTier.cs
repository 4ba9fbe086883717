namespace ServerEvents.Cluster;

/// <summary>
/// Everything that more than one front-end node must see: the subscription directory, named sequences,
/// and the event log with its fan-out. The embedded implementation serves one node; others (PostgreSQL)
/// serve many, behind the same interface.
/// </summary>
public interface IClusterTier
{
    /// <summary>The cluster-wide directory of subscriptions.</summary>
    ISubscriptionDirectory Directory { get; }

    /// <summary>Cluster-wide named sequences.</summary>
    ISequenceStore Sequences { get; }

    /// <summary>The event log and the fan-out to every node.</summary>
    IEventBus Events { get; }

    /// <summary>Throws when the tier cannot currently serve requests; used by the health check.</summary>
    ValueTask CheckHealthAsync(CancellationToken cancellationToken = default);
}
