using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServerEvents.Cluster;
using ServerEvents.Hosting;

namespace ServerEvents.Postgres.Liveness;

/// <summary>
/// Keeps this node's row in <c>nodes</c> fresh while the process runs, and deletes it on a clean stop. Heartbeats
/// for subscriptions of a node whose row went stale are refused (see <see cref="Directory.PostgresSubscriptionDirectory"/>),
/// and the survivors' idle sweeps expire those subscriptions and send their leave notices.
/// </summary>
internal sealed class NodeLivenessRenewer : IHostedService, IDisposable
{
    // Rows of nodes that are long gone and hold no subscriptions are removed by whichever node renews next.
    private const string RenewSql = """
        WITH renewed AS (
            INSERT INTO nodes (node_id, started_at, renewed_at) VALUES ($1, now(), now())
            ON CONFLICT (node_id) DO UPDATE SET renewed_at = now()
        )
        DELETE FROM nodes n
        WHERE n.renewed_at < now() - $2 AND n.node_id <> $1
          AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.node_id = n.node_id)
        """;

    private const string RemoveSql = "DELETE FROM nodes WHERE node_id = $1";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ServerEventsNode _node;
    private readonly PostgresClusterOptions _options;
    private readonly NodeRenewal _renewal;

    public NodeLivenessRenewer(NpgsqlDataSource dataSource, ServerEventsNode node, IOptions<PostgresClusterOptions> options, ILogger<NodeLivenessRenewer> logger)
    {
        _dataSource = dataSource;
        _node = node;
        _options = options.Value;

        // The database may be briefly unreachable; the row stays fresh as long as one renewal in NodeTimeout succeeds.
        _renewal = new NodeRenewal(node.Id, _options.NodeRenewInterval, RenewAsync, RemoveAsync, static ex => ex is NpgsqlException, logger);
    }

    /// <summary>Registers the node before the app takes requests, so its first subscriptions can be pulsed.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _renewal.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _renewal.StopAsync(cancellationToken);

    public void Dispose() => _renewal.Dispose();

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(RenewSql);
        command.Parameters.Add(new NpgsqlParameter { Value = _node.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.NodeTimeout * 10 });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(RemoveSql);
        command.Parameters.Add(new NpgsqlParameter { Value = _node.Id });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
