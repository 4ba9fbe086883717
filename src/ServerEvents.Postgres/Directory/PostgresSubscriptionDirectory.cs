using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ServerEvents.Cluster;
using ServerEvents.Postgres.Batching;
using ServerEvents.Postgres.Connections;
using ServerEvents.Subscriptions;

namespace ServerEvents.Postgres.Directory;

/// <summary>
/// The subscription directory in the <c>subscriptions</c> table, shared by every node: presence, channel
/// membership and user lookups see every node's subscriptions.
/// </summary>
/// <remarks>
/// Adds, removes and heartbeats, the writes every stream makes, are group-committed per node
/// (<see cref="GroupCommitQueue{TItem, TResult}"/>): concurrent stream opens share one statement
/// (<see cref="DirectoryBatchWriter"/>), one round trip, one transaction and one WAL flush, and the node uses one
/// connection for them however many streams open at once.
/// </remarks>
public sealed class PostgresSubscriptionDirectory : ISubscriptionDirectory, IAsyncDisposable
{
    // A bound on one batch; each run of one kind in it is one statement (DirectoryBatchWriter).
    private const int MaxBatch = 256;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommitQueue<DirectoryWrite, SubscriptionInfo?> _writes;

    /// <summary>Creates the directory.</summary>
    public PostgresSubscriptionDirectory(NpgsqlDataSource dataSource, IOptions<PostgresClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _writes = new GroupCommitQueue<DirectoryWrite, SubscriptionInfo?>(
            "The subscription directory",
            new DirectoryBatchWriter(dataSource, options.Value.NodeTimeout).WriteAsync,
            MaxBatch,
            options.Value);
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(SubscriptionInfo subscription, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await _writes.EnqueueAsync(DirectoryWrite.Add(subscription, now), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> RemoveAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        await _writes.EnqueueAsync(DirectoryWrite.Remove(subscriptionId), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> PulseAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await _writes.EnqueueAsync(DirectoryWrite.Pulse(subscriptionId, now), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SubscriptionChange?> UpdateChannelsAsync(
        string subscriptionId,
        IReadOnlyCollection<string> unsubscribe,
        IReadOnlyCollection<string> subscribe,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unsubscribe);
        ArgumentNullException.ThrowIfNull(subscribe);
        return await DatabaseFailure.RunAsync(token => UpdateChannelsCoreAsync(subscriptionId, unsubscribe, subscribe, token), cancellationToken).ConfigureAwait(false);
    }

    private async Task<SubscriptionChange?> UpdateChannelsCoreAsync(
        string subscriptionId,
        IReadOnlyCollection<string> unsubscribe,
        IReadOnlyCollection<string> subscribe,
        CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The row lock makes concurrent changes to one subscription apply one after the other, each on the last's result.
        SubscriptionInfo before;
        await using (var select = new NpgsqlCommand($"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE id = $1 FOR UPDATE", connection))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = subscriptionId });
            var found = await ReadAllAsync(select, cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return null;
            }

            before = found[0];
        }

        var channels = before.Channels.Where(c => !unsubscribe.Contains(c)).ToList();
        channels.AddRange(subscribe.Distinct().Where(c => !channels.Contains(c)));
        await using (var update = new NpgsqlCommand("UPDATE subscriptions SET channels = $2 WHERE id = $1", connection))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = subscriptionId });
            update.Parameters.Add(new NpgsqlParameter { Value = channels.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SubscriptionChange(before, before with { Channels = channels });
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> GetAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE id = $1", cancellationToken, new NpgsqlParameter { Value = subscriptionId }).ConfigureAwait(false))
            .FirstOrDefault();

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> GetByUserIdAsync(string userId, CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE user_id = $1 ORDER BY created_at", cancellationToken, new NpgsqlParameter { Value = userId }).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> GetByChannelsAsync(IReadOnlyCollection<string>? channels, CancellationToken cancellationToken = default)
    {
        if (channels is null || channels.Count == 0)
        {
            return await QueryAsync($"SELECT {SubscriptionRow.Columns} FROM subscriptions ORDER BY created_at", cancellationToken).ConfigureAwait(false);
        }

        return await QueryAsync(
            $"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE channels && $1 ORDER BY created_at",
            cancellationToken,
            new NpgsqlParameter { Value = channels.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>DELETE … RETURNING</c> hands each row to exactly one of any number of concurrent callers, on any node; a
    /// heartbeat that commits first makes the row no longer match, so it stays.
    /// </remarks>
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> RemoveIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            $"DELETE FROM subscriptions WHERE last_pulse < $1 RETURNING {SubscriptionRow.Columns}",
            cancellationToken,
            new NpgsqlParameter { Value = cutoff.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz }).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default) =>
        await DatabaseFailure.RunAsync(
            async token =>
            {
                await using var command = _dataSource.CreateCommand("DELETE FROM subscriptions");
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>Stops taking writes and waits, within the shutdown timeout, for the queued ones.</summary>
    public ValueTask DisposeAsync() => _writes.DisposeAsync();

    private ValueTask<List<SubscriptionInfo>> QueryAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        DatabaseFailure.RunAsync(
            async token =>
            {
                await using var command = _dataSource.CreateCommand(sql);
                command.Parameters.AddRange(parameters);
                return await ReadAllAsync(command, token).ConfigureAwait(false);
            },
            cancellationToken);

    private static async Task<List<SubscriptionInfo>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<SubscriptionInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(SubscriptionRow.Read(reader));
        }

        return rows;
    }
}
