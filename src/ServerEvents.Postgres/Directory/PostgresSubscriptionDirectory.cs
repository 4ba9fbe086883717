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
/// (<see cref="GroupCommitQueue{TItem, TResult}"/>): concurrent stream opens share one round trip, one transaction
/// and one WAL flush, and the node uses one connection for them however many streams open at once.
/// </remarks>
public sealed class PostgresSubscriptionDirectory : ISubscriptionDirectory, IAsyncDisposable
{
    // A bound on one batch; each write is one statement of it.
    private const int MaxBatch = 256;

    private const string AddSql = $"""
        INSERT INTO subscriptions ({SubscriptionRow.Columns}, last_pulse)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (id) DO UPDATE SET
            node_id = excluded.node_id, channels = excluded.channels, user_id = excluded.user_id,
            user_name = excluded.user_name, display_name = excluded.display_name, session_id = excluded.session_id,
            profile_url = excluded.profile_url, is_authenticated = excluded.is_authenticated,
            created_at = excluded.created_at, meta = excluded.meta, last_pulse = excluded.last_pulse
        RETURNING {SubscriptionRow.Columns}
        """;

    private const string RemoveSql = $"DELETE FROM subscriptions WHERE id = $1 RETURNING {SubscriptionRow.Columns}";

    // Only a live node can still hold the stream: for any other, the heartbeat is refused so the client re-subscribes.
    private const string PulseSql = $"""
        UPDATE subscriptions s SET last_pulse = $2
        FROM nodes n
        WHERE s.id = $1 AND n.node_id = s.node_id AND n.renewed_at > now() - $3
        RETURNING {Prefixed}
        """;

    private const string Prefixed = "s.id, s.node_id, s.channels, s.user_id, s.user_name, s.display_name, s.session_id, s.profile_url, s.is_authenticated, s.created_at, s.meta";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _nodeTimeout;
    private readonly GroupCommitQueue<NpgsqlBatchCommand, SubscriptionInfo?> _writes;

    /// <summary>Creates the directory.</summary>
    public PostgresSubscriptionDirectory(NpgsqlDataSource dataSource, IOptions<PostgresClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _nodeTimeout = options.Value.NodeTimeout;
        _writes = new GroupCommitQueue<NpgsqlBatchCommand, SubscriptionInfo?>(
            "The subscription directory",
            WriteBatchAsync,
            MaxBatch,
            options.Value);
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(SubscriptionInfo subscription, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var add = new NpgsqlBatchCommand(AddSql);
        SubscriptionRow.AddParameters(add.Parameters, subscription);
        add.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await _writes.EnqueueAsync(add, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> RemoveAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        var remove = new NpgsqlBatchCommand(RemoveSql);
        remove.Parameters.Add(new NpgsqlParameter { Value = subscriptionId });
        return await _writes.EnqueueAsync(remove, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> PulseAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var pulse = new NpgsqlBatchCommand(PulseSql);
        pulse.Parameters.Add(new NpgsqlParameter { Value = subscriptionId });
        pulse.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        pulse.Parameters.Add(new NpgsqlParameter { Value = _nodeTimeout });
        return await _writes.EnqueueAsync(pulse, cancellationToken).ConfigureAwait(false);
    }

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

    // One batch is one implicit transaction: every write of it commits with one WAL flush, or none does.
    private async Task<SubscriptionInfo?[]> WriteBatchAsync(IReadOnlyList<NpgsqlBatchCommand> writes, CancellationToken cancellationToken)
    {
        await using var batch = _dataSource.CreateBatch();
        foreach (var write in writes)
        {
            batch.BatchCommands.Add(write);
        }

        // Every write returns the row it touched, so each has one result set, in order.
        var results = new SubscriptionInfo?[writes.Count];
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < writes.Count; i++)
        {
            if (i > 0 && !await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The directory answered {i} of {writes.Count} writes.");
            }

            results[i] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SubscriptionRow.Read(reader) : null;
        }

        return results;
    }

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
