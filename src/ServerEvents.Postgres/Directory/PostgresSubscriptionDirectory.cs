using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ServerEvents.Cluster;
using ServerEvents.Subscriptions;

namespace ServerEvents.Postgres.Directory;

/// <summary>
/// The subscription directory in the <c>subscriptions</c> table, shared by every node: presence, channel
/// membership and user lookups see every node's subscriptions.
/// </summary>
public sealed class PostgresSubscriptionDirectory : ISubscriptionDirectory
{
    private const string AddSql = $"""
        INSERT INTO subscriptions ({SubscriptionRow.Columns}, last_pulse)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (id) DO UPDATE SET
            node_id = excluded.node_id, channels = excluded.channels, user_id = excluded.user_id,
            user_name = excluded.user_name, display_name = excluded.display_name, session_id = excluded.session_id,
            profile_url = excluded.profile_url, is_authenticated = excluded.is_authenticated,
            created_at = excluded.created_at, meta = excluded.meta, last_pulse = excluded.last_pulse
        """;

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

    /// <summary>Creates the directory.</summary>
    public PostgresSubscriptionDirectory(NpgsqlDataSource dataSource, IOptions<PostgresClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _nodeTimeout = options.Value.NodeTimeout;
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(SubscriptionInfo subscription, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var command = _dataSource.CreateCommand(AddSql);
        SubscriptionRow.AddParameters(command.Parameters, subscription);
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> RemoveAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        await SingleAsync($"DELETE FROM subscriptions WHERE id = $1 RETURNING {SubscriptionRow.Columns}", cancellationToken, subscriptionId).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> PulseAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await SingleAsync(PulseSql, cancellationToken, subscriptionId, now.ToUniversalTime(), _nodeTimeout).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SubscriptionChange?> UpdateChannelsAsync(
        string subscriptionId,
        IReadOnlyCollection<string> unsubscribe,
        IReadOnlyCollection<string> subscribe,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unsubscribe);
        ArgumentNullException.ThrowIfNull(subscribe);
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
        await SingleAsync($"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE id = $1", cancellationToken, subscriptionId).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> GetByUserIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE user_id = $1 ORDER BY created_at");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> GetByChannelsAsync(IReadOnlyCollection<string>? channels, CancellationToken cancellationToken = default)
    {
        if (channels is null || channels.Count == 0)
        {
            await using var all = _dataSource.CreateCommand($"SELECT {SubscriptionRow.Columns} FROM subscriptions ORDER BY created_at");
            return await ReadAllAsync(all, cancellationToken).ConfigureAwait(false);
        }

        await using var command = _dataSource.CreateCommand($"SELECT {SubscriptionRow.Columns} FROM subscriptions WHERE channels && $1 ORDER BY created_at");
        command.Parameters.Add(new NpgsqlParameter { Value = channels.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>DELETE … RETURNING</c> hands each row to exactly one of any number of concurrent callers, on any node; a
    /// heartbeat that commits first makes the row no longer match, so it stays.
    /// </remarks>
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> RemoveIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"DELETE FROM subscriptions WHERE last_pulse < $1 RETURNING {SubscriptionRow.Columns}");
        command.Parameters.Add(new NpgsqlParameter { Value = cutoff.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM subscriptions");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SubscriptionInfo?> SingleAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = _dataSource.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var rows = await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

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
