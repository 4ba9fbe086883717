using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Events;

/// <summary>
/// Deletes what the replay retention no longer keeps, on a timer rather than on every publish so appends stay
/// one statement. Replayable rows go by count, age and bytes and advance <c>evicted_through</c>; the other rows (signals,
/// subscription-targeted events) are only needed by a node catching up, so they go with them or by age.
/// Every node runs it; concurrent trims simply find less to do.
/// </summary>
internal sealed partial class EventLogTrimmer(
    NpgsqlDataSource dataSource,
    EventLogRetention retention,
    TimeProvider time,
    IOptions<PostgresClusterOptions> options,
    ILogger<EventLogTrimmer> logger) : BackgroundService
{
    // The cutoff is one scalar, so the delete is an index range on position OR'd with an index range on the
    // unreplayable rows' age. (Joining the single-row eviction table instead, which is never analysed, made the
    // planner expect thousands of rows, read the whole log, and cross PostgreSQL's JIT threshold: ~0.6 s a sweep.)
    internal const string TrimSql = $"""
        WITH cutoff AS MATERIALIZED (
            SELECT {RetentionCutoff.Sql} AS evicted
        ), trimmed AS (
            DELETE FROM event_log
            WHERE position <= (SELECT evicted FROM cutoff) OR (NOT replayable AND created_at < $1)
            RETURNING position
        ), advanced AS (
            UPDATE event_log_eviction SET evicted_through = (SELECT evicted FROM cutoff)
            WHERE evicted_through < (SELECT evicted FROM cutoff)
        )
        SELECT count(*) FROM trimmed
        """;

    /// <summary>Trims once.</summary>
    /// <returns>How many rows were deleted.</returns>
    public async Task<long> TrimAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(TrimSql);
        RetentionCutoff.AddParameters(command, retention, time.GetUtcNow());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var trimmed = await TrimAsync(stoppingToken).ConfigureAwait(false);
                    if (trimmed > 0)
                    {
                        LogTrimmed(trimmed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database may be briefly unreachable; the next sweep trims what this one could not.
                    LogTrimFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trimmed {Count} rows from the event log")]
    private partial void LogTrimmed(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trimming the event log failed")]
    private partial void LogTrimFailed(Exception exception);
}
