namespace ServerEvents.Cluster.Embedded;

/// <summary>The in-process cluster tier: one node, nothing shared, nothing durable.</summary>
public sealed class EmbeddedClusterTier : IClusterTier
{
    /// <summary>The tier's name in metrics and traces (<c>serverevents.tier</c>).</summary>
    public const string TierName = "embedded";

    /// <summary>Creates the tier from its parts.</summary>
    public EmbeddedClusterTier(InMemorySubscriptionDirectory directory, InMemorySequenceStore sequences, InMemoryEventBus events)
    {
        Directory = directory;
        Sequences = sequences;
        Events = events;
    }

    /// <inheritdoc />
    public ISubscriptionDirectory Directory { get; }

    /// <inheritdoc />
    public ISequenceStore Sequences { get; }

    /// <inheritdoc />
    public IEventBus Events { get; }

    /// <inheritdoc />
    public ValueTask CheckHealthAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
