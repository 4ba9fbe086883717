using Npgsql;
using NpgsqlTypes;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Events;

/// <summary>
/// The newest replayable position that retention drops, as one SQL expression shared by the read (so a read never
/// serves what should be gone) and the trim (which deletes it). It takes the first three parameters of its statement.
/// </summary>
internal static class RetentionCutoff
{
    /// <summary>
    /// The cutoff: the eviction mark so far, or the newest replayable position older than <c>$1</c>, or beyond the
    /// newest <c>$2</c>, or beyond the newest <c>$3</c> bytes (the newest event is always kept).
    /// </summary>
    public const string Sql = """
        GREATEST(
            (SELECT evicted_through FROM event_log_eviction),
            (SELECT max(position) FROM event_log WHERE replayable AND created_at < $1),
            (SELECT position FROM event_log WHERE replayable ORDER BY position DESC OFFSET $2 LIMIT 1),
            (SELECT position FROM (
                SELECT position, sum(size) OVER newest AS kept_bytes, row_number() OVER newest AS kept
                FROM event_log WHERE replayable
                WINDOW newest AS (ORDER BY position DESC ROWS UNBOUNDED PRECEDING)) by_size
             WHERE kept_bytes > $3 AND kept > 1
             ORDER BY position DESC LIMIT 1))
        """;

    /// <summary>Adds <c>$1</c> to <c>$3</c>.</summary>
    public static void AddParameters(NpgsqlCommand command, EventLogRetention retention, DateTimeOffset now)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = now - retention.MaxAge, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)retention.MaxCount });
        command.Parameters.Add(new NpgsqlParameter { Value = retention.MaxBytes });
    }
}
