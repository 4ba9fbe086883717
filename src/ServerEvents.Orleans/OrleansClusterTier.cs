using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Grains.Health;
using ServerEvents.Orleans.Directory;
using ServerEvents.Orleans.Events;
using ServerEvents.Orleans.Sequences;

namespace ServerEvents.Orleans;

/// <summary>
/// The cluster tier on Orleans: grains hold the directory, sequences, event log and chat history durably in the grain
/// storage, and each front-end, an Orleans client, hears the fan-out through one stream subscription.
/// </summary>
public sealed class OrleansClusterTier : IClusterTier
{
    /// <summary>The tier's name in metrics and traces (<c>serverevents.tier</c>).</summary>
    public const string TierName = "orleans";

    // Made at first use: a client resolves a grain interface to its grain type only once it has connected to the
    // cluster, which is after the host has constructed this.
    private readonly Lazy<IStorageProbeGrain> _probe;
    private readonly TimeSpan _healthCheckTimeout;

    /// <summary>Creates the tier from its parts.</summary>
    public OrleansClusterTier(
        OrleansSubscriptionDirectory directory,
        OrleansSequenceStore sequences,
        OrleansEventBus events,
        IClusterClient client,
        IOptions<OrleansClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        Directory = directory;
        Sequences = sequences;
        Events = events;
        _probe = new(() => client.GetGrain<IStorageProbeGrain>(options.Value.Scope));
        _healthCheckTimeout = options.Value.HealthCheckTimeout;
    }

    /// <inheritdoc />
    public ISubscriptionDirectory Directory { get; }

    /// <inheritdoc />
    public ISequenceStore Sequences { get; }

    /// <inheritdoc />
    public IEventBus Events { get; }

    /// <inheritdoc />
    /// <exception cref="TimeoutException">The cluster and its storage did not answer within <see cref="OrleansClusterOptions.HealthCheckTimeout"/>.</exception>
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _probe.Value.CheckAsync().WaitAsync(_healthCheckTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The Orleans cluster did not answer within {_healthCheckTimeout.TotalSeconds:0.#} s.");
        }
    }
}
