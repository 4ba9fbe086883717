using Microsoft.Extensions.Options;
using Npgsql;
using ServerEvents.Cluster;
using ServerEvents.Postgres.Directory;
using ServerEvents.Postgres.Events;
using ServerEvents.Postgres.Sequences;

namespace ServerEvents.Postgres;

/// <summary>
/// The cluster tier in PostgreSQL: any number of front-end nodes share the directory, sequences and event log,
/// and hear every event through LISTEN/NOTIFY.
/// </summary>
public sealed class PostgresClusterTier : IClusterTier
{
    /// <summary>The tier's name in metrics and traces (<c>serverevents.tier</c>).</summary>
    public const string TierName = "postgres";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _healthCheckTimeout;

    /// <summary>Creates the tier from its parts.</summary>
    public PostgresClusterTier(
        PostgresSubscriptionDirectory directory,
        PostgresSequenceStore sequences,
        PostgresEventBus events,
        NpgsqlDataSource dataSource,
        IOptions<PostgresClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory = directory;
        Sequences = sequences;
        Events = events;
        _dataSource = dataSource;
        _healthCheckTimeout = options.Value.HealthCheckTimeout;
    }

    /// <inheritdoc />
    public ISubscriptionDirectory Directory { get; }

    /// <inheritdoc />
    public ISequenceStore Sequences { get; }

    /// <inheritdoc />
    public IEventBus Events { get; }

    /// <inheritdoc />
    /// <exception cref="TimeoutException">PostgreSQL did not answer within <see cref="PostgresClusterOptions.HealthCheckTimeout"/>.</exception>
    public async ValueTask CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_healthCheckTimeout);
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"PostgreSQL did not answer within {_healthCheckTimeout.TotalSeconds:0.#} s.");
        }
    }
}
