using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ServerEvents.Cluster;
using ServerEvents.Postgres.Connections;
using ServerEvents.Diagnostics;

namespace ServerEvents.Postgres.Events;

/// <summary>
/// The event log in PostgreSQL. Appending bumps the one-row head and inserts the rows in the same statement, so
/// appends take turns on the head's row lock: positions come out in commit order with no holes, and a resume
/// cursor can never pass an event that commits later. The <c>NOTIFY</c>s in that statement are delivered at
/// commit, so notifications arrive in position order too. Each node appends in batches (<see cref="EventLogAppender"/>).
/// </summary>
public sealed class PostgresEventBus : IEventBus, IAsyncDisposable
{
    // One statement, so one snapshot: the head, the eviction point and the rows agree even while a trim runs.
    // Retention is applied here as well as by the periodic trim, so a read never serves what should be gone.
    private const string ReadSql = $"""
        WITH state AS (
            SELECT (SELECT position FROM event_log_head) AS head, {RetentionCutoff.Sql} AS evicted,
                   (SELECT epoch FROM event_log_head) AS epoch
        )
        SELECT s.head, s.evicted,
               (SELECT min(position) FROM event_log WHERE replayable AND position > s.evicted) AS oldest,
               l.position, l.payload, s.epoch
        FROM state s
        LEFT JOIN LATERAL (
            SELECT position, payload FROM event_log
            WHERE replayable AND position > GREATEST($4, s.evicted) AND position <= $5
        ) l ON true
        ORDER BY l.position
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly EventLogListener _listener;
    private readonly EventLogRetention _retention;
    private readonly TimeProvider _time;
    private readonly EventLogAppender _appender;

    /// <summary>Creates the bus.</summary>
    internal PostgresEventBus(
        NpgsqlDataSource dataSource,
        EventLogListener listener,
        EventLogRetention retention,
        TimeProvider time,
        IOptions<PostgresClusterOptions> options)
    {
        _dataSource = dataSource;
        _listener = listener;
        _retention = retention;
        _time = time;
        _appender = new EventLogAppender(dataSource, options.Value);
    }

    /// <inheritdoc />
    /// <remarks>Read with the head each time the listener connects.</remarks>
    public string Epoch => _listener.Epoch;

    /// <inheritdoc />
    public async ValueTask<long> PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        using var activity = ServerEventsTracing.StartAppend(PostgresClusterTier.TierName);
        return await _appender.AppendAsync(LogEntry.ForEvent(outgoing, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SignalAsync(ClusterSignal signal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signal);
        await _appender.AppendAsync(LogEntry.ForSignal(signal, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<EventLogSlice> ReadAsync(long after, long through, CancellationToken cancellationToken = default) =>
        DatabaseFailure.RunAsync(token => ReadCoreAsync(after, through, token), cancellationToken);

    private async Task<EventLogSlice> ReadCoreAsync(long after, long through, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(ReadSql);
        RetentionCutoff.AddParameters(command, _retention, _time.GetUtcNow());
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        command.Parameters.Add(new NpgsqlParameter { Value = through });

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<ClusterEvent>();
        long head = 0, evicted = 0;
        long? oldest = null;
        var epoch = string.Empty;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            head = reader.GetInt64(0);
            evicted = reader.GetInt64(1);
            oldest = reader.IsDBNull(2) ? null : reader.GetInt64(2);
            epoch = reader.GetString(5);
            if (!reader.IsDBNull(3))
            {
                events.Add(LogEntry.Deserialize(reader.GetString(4)).ToEvent(reader.GetInt64(3)));
            }
        }

        return new EventLogSlice(events, head, evicted, oldest, epoch);
    }

    /// <inheritdoc />
    public IDisposable Attach(IClusterEventSink sink) => _listener.Attach(sink);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _appender.DisposeAsync();
}
