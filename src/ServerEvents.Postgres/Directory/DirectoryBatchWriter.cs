using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ServerEvents.Subscriptions;

namespace ServerEvents.Postgres.Directory;

/// <summary>
/// Writes one group commit of directory writes: each run of consecutive writes of one kind is one statement over
/// arrays (<c>unnest</c>), and every run goes in one batch, one round trip and one implicit transaction. A storm of
/// stream opens is then one <c>INSERT</c> of many rows instead of as many statements, each planned, executed and
/// answered on its own, which cost the nodes and PostgreSQL most of their CPU per stream opened (bench/RESULTS.md).
/// </summary>
/// <remarks>
/// Runs keep the writes' order, so a batch has the effect of its writes one after the other. A run also ends
/// where its subscription id repeats: one <c>INSERT … ON CONFLICT DO UPDATE</c> may not touch a row twice, and a
/// second removal of a row must find it gone.
/// </remarks>
internal sealed class DirectoryBatchWriter(NpgsqlDataSource dataSource, TimeSpan nodeTimeout)
{
    // A channel list is a slice of one flat array: PostgreSQL has no arrays of arrays of different lengths.
    private const string AddSql = $"""
        INSERT INTO subscriptions ({SubscriptionRow.Columns}, last_pulse)
        SELECT r.id, r.node_id, ($3::text[])[r.first:r.last], r.user_id, r.user_name, r.display_name, r.session_id, r.profile_url,
            r.is_authenticated, r.created_at, r.meta, r.last_pulse
        FROM unnest($1::text[], $2::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
            $11::boolean[], $12::timestamptz[], $13::jsonb[], $14::timestamptz[])
            AS r(id, node_id, first, last, user_id, user_name, display_name, session_id, profile_url, is_authenticated, created_at, meta, last_pulse)
        ON CONFLICT (id) DO UPDATE SET
            node_id = excluded.node_id, channels = excluded.channels, user_id = excluded.user_id,
            user_name = excluded.user_name, display_name = excluded.display_name, session_id = excluded.session_id,
            profile_url = excluded.profile_url, is_authenticated = excluded.is_authenticated,
            created_at = excluded.created_at, meta = excluded.meta, last_pulse = excluded.last_pulse
        """;

    private const string RemoveSql = $"DELETE FROM subscriptions WHERE id = ANY($1::text[]) RETURNING {SubscriptionRow.Columns}";

    // Only a live node can still hold the stream: for any other, the heartbeat is refused so the client re-subscribes.
    // The node is checked in a subquery and the pulses' columns have names of their own, so the row's columns are
    // unambiguous and it returns SubscriptionRow.Columns as the other statements do.
    private const string PulseSql = $"""
        UPDATE subscriptions s SET last_pulse = p.pulse_at
        FROM unnest($1::text[], $2::timestamptz[]) AS p(pulse_id, pulse_at)
        WHERE s.id = p.pulse_id
            AND EXISTS (SELECT 1 FROM nodes n WHERE n.node_id = s.node_id AND n.renewed_at > now() - $3)
        RETURNING {SubscriptionRow.Columns}
        """;

    /// <summary>Writes <paramref name="writes"/> in one transaction; returns each one's row (null for an add, or when none matched).</summary>
    public async Task<SubscriptionInfo?[]> WriteAsync(IReadOnlyList<DirectoryWrite> writes, CancellationToken cancellationToken)
    {
        var runs = Split(writes);
        await using var batch = dataSource.CreateBatch();
        foreach (var run in runs)
        {
            batch.BatchCommands.Add(Command(writes, run));
        }

        var results = new SubscriptionInfo?[writes.Count];
        var returned = new Dictionary<string, SubscriptionInfo>(StringComparer.Ordinal);
        var resultSets = 0;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        // An add returns no result set; the reader moves over it to the next statement that does.
        foreach (var run in runs.Where(r => r.Kind != DirectoryWriteKind.Add))
        {
            if (resultSets++ > 0 && !await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The directory answered {resultSets - 1} of its statements that return rows.");
            }

            returned.Clear();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = SubscriptionRow.Read(reader);
                returned[row.Id] = row;
            }

            for (var i = run.Start; i < run.Start + run.Count; i++)
            {
                results[i] = returned.GetValueOrDefault(writes[i].Id);
            }
        }

        return results;
    }

    // Consecutive writes of one kind with distinct ids.
    private static List<Run> Split(IReadOnlyList<DirectoryWrite> writes)
    {
        var runs = new List<Run>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var start = 0;
        for (var i = 1; i <= writes.Count; i++)
        {
            ids.Add(writes[i - 1].Id);
            if (i == writes.Count || writes[i].Kind != writes[start].Kind || ids.Contains(writes[i].Id))
            {
                runs.Add(new Run(writes[start].Kind, start, i - start));
                ids.Clear();
                start = i;
            }
        }

        return runs;
    }

    private NpgsqlBatchCommand Command(IReadOnlyList<DirectoryWrite> writes, Run run) => run.Kind switch
    {
        DirectoryWriteKind.Add => AddCommand(writes, run),
        DirectoryWriteKind.Remove => new NpgsqlBatchCommand(RemoveSql) { Parameters = { Array(Ids(writes, run), NpgsqlDbType.Text) } },
        _ => new NpgsqlBatchCommand(PulseSql)
        {
            Parameters =
            {
                Array(Ids(writes, run), NpgsqlDbType.Text),
                Array(Select(writes, run, w => w.At), NpgsqlDbType.TimestampTz),
                new NpgsqlParameter { Value = nodeTimeout },
            },
        },
    };

    private static NpgsqlBatchCommand AddCommand(IReadOnlyList<DirectoryWrite> writes, Run run)
    {
        var rows = Select(writes, run, w => w.Subscription!);
        var channels = new List<string>();
        var first = new int[rows.Length];
        var last = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            // PostgreSQL arrays count from 1; an empty list is the empty slice [n + 1 : n].
            first[i] = channels.Count + 1;
            channels.AddRange(rows[i].Channels);
            last[i] = channels.Count;
        }

        return new NpgsqlBatchCommand(AddSql)
        {
            Parameters =
            {
                Array(rows.Select(r => r.Id).ToArray(), NpgsqlDbType.Text),
                Array(rows.Select(r => r.NodeId).ToArray(), NpgsqlDbType.Text),
                Array(channels.ToArray(), NpgsqlDbType.Text),
                Array(first, NpgsqlDbType.Integer),
                Array(last, NpgsqlDbType.Integer),
                Array(rows.Select(r => r.UserId).ToArray(), NpgsqlDbType.Text),
                Array(rows.Select(r => r.UserName).ToArray(), NpgsqlDbType.Text),
                Array(rows.Select(r => r.DisplayName).ToArray(), NpgsqlDbType.Text),
                Array(rows.Select(r => r.SessionId).ToArray(), NpgsqlDbType.Text),
                Array(rows.Select(r => r.ProfileUrl).ToArray(), NpgsqlDbType.Text),
                Array(rows.Select(r => r.IsAuthenticated).ToArray(), NpgsqlDbType.Boolean),
                Array(rows.Select(r => r.CreatedAt.ToUniversalTime()).ToArray(), NpgsqlDbType.TimestampTz),
                Array(rows.Select(r => JsonSerializer.Serialize(r.Meta)).ToArray(), NpgsqlDbType.Jsonb),
                Array(Select(writes, run, w => w.At), NpgsqlDbType.TimestampTz),
            },
        };
    }

    private static string[] Ids(IReadOnlyList<DirectoryWrite> writes, Run run) => Select(writes, run, w => w.Id);

    private static T[] Select<T>(IReadOnlyList<DirectoryWrite> writes, Run run, Func<DirectoryWrite, T> select)
    {
        var values = new T[run.Count];
        for (var i = 0; i < run.Count; i++)
        {
            values[i] = select(writes[run.Start + i]);
        }

        return values;
    }

    private static NpgsqlParameter Array<T>(T[] values, NpgsqlDbType elementType) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | elementType };

    private readonly record struct Run(DirectoryWriteKind Kind, int Start, int Count);
}
