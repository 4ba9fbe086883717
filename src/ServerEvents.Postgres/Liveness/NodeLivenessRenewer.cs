using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServerEvents.Hosting;

namespace ServerEvents.Postgres.Liveness;

/// <summary>
/// Keeps this node's row in <c>nodes</c> fresh while the process runs, and deletes it on a clean stop. Heartbeats
/// for subscriptions of a node whose row went stale are refused (see <see cref="Directory.PostgresSubscriptionDirectory"/>),
/// and the survivors' idle sweeps expire those subscriptions and send their leave notices.
/// </summary>
internal sealed partial class NodeLivenessRenewer(
    NpgsqlDataSource dataSource,
    ServerEventsNode node,
    IOptions<PostgresClusterOptions> options,
    ILogger<NodeLivenessRenewer> logger) : IHostedService, IDisposable
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

    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Registers the node before the app takes requests, so its first subscriptions can be pulsed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RenewAsync(cancellationToken).ConfigureAwait(false);
        _loop = RenewPeriodicallyAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        try
        {
            await using var command = dataSource.CreateCommand("DELETE FROM nodes WHERE node_id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = node.Id });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            // The row goes stale on its own.
            LogRenewFailed(ex, node.Id);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RenewPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.NodeRenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await RenewAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (NpgsqlException ex)
                {
                    // The database may be briefly unreachable; the row stays fresh as long as one renewal in NodeTimeout succeeds.
                    LogRenewFailed(ex, node.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RenewSql);
        command.Parameters.Add(new NpgsqlParameter { Value = node.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Value.NodeTimeout * 10 });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the liveness of node {NodeId} failed")]
    private partial void LogRenewFailed(Exception exception, string nodeId);
}
