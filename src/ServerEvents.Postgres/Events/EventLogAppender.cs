using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace ServerEvents.Postgres.Events;

/// <summary>
/// Appends this node's items to the event log in batches: one writer takes whatever is waiting and appends it
/// in one statement, with one bump of the head and one round trip. Appends from many requests at once would
/// otherwise each take the head's row lock in turn, and PostgreSQL spent most of the cluster's CPU on that
/// (bench/RESULTS.md). Items are appended in the order they were handed over.
/// </summary>
internal sealed class EventLogAppender : IAsyncDisposable
{
    // A bound on one statement's size; more waiting items go in the next batch.
    private const int MaxBatch = 256;

    // Positions follow the head in the same statement, so they are in commit order with no holes, as for one
    // item; the notifications are sent in position order and delivered at commit.
    private const string AppendSql = """
        WITH head AS (
            UPDATE event_log_head SET position = position + cardinality($1::smallint[]) RETURNING position
        ), batch AS (
            SELECT head.position - cardinality($1::smallint[]) + b.ord AS position, b.kind, b.replayable, b.created_at, b.payload, b.inline
            FROM head, unnest($1::smallint[], $2::boolean[], $3::timestamptz[], $4::text[], $5::boolean[])
                WITH ORDINALITY AS b(kind, replayable, created_at, payload, inline, ord)
        ), appended AS (
            INSERT INTO event_log (position, kind, replayable, created_at, payload, size)
            SELECT position, kind, replayable, created_at, payload, octet_length(payload) FROM batch
        )
        SELECT n.position, pg_notify($6, CASE WHEN n.inline THEN n.position::text || ' ' || n.payload ELSE n.position::text END)
        FROM (SELECT position, payload, inline FROM batch ORDER BY position) n
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly TimeSpan _queueTimeout;
    private readonly TimeSpan _shutdownTimeout;
    private readonly Channel<PendingAppend> _pending;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _writer;

    public EventLogAppender(NpgsqlDataSource dataSource, PostgresClusterOptions options)
    {
        _dataSource = dataSource;
        _channel = options.EffectiveChannel;
        _queueTimeout = options.AppendQueueTimeout;
        _shutdownTimeout = options.AppendShutdownTimeout;
        _pending = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.AppendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>
    /// Appends one item; completes with its log position once the batch holding it has committed. When the queue is
    /// full the caller waits for room, and fails with <see cref="ClusterBusyException"/> after the queue timeout.
    /// A caller that gives up before its item is taken into a batch withdraws it: it is never appended. Once taken,
    /// the item is in a statement that may commit, so the caller waits for the outcome rather than guess it.
    /// </summary>
    public async Task<long> AppendAsync(LogEntry entry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingAppend(entry, entry.Serialize());
        if (!_pending.Writer.TryWrite(pending))
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(_queueTimeout);
            try
            {
                await _pending.Writer.WriteAsync(pending, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ClusterBusyException($"The event log is not keeping up: the publish waited {_queueTimeout.TotalSeconds:0.#} s for room. Try again shortly.");
            }
            catch (ChannelClosedException)
            {
                throw ShuttingDown();
            }
        }

        using var registration = cancellationToken.Register(
            static state =>
            {
                var (withdrawn, token) = ((PendingAppend, CancellationToken))state!;
                if (withdrawn.TryWithdraw())
                {
                    withdrawn.Position.TrySetCanceled(token);
                }
            },
            (pending, cancellationToken));
        return await pending.Position.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Stops taking items and waits up to the shutdown timeout for the queued ones to be appended; after that the
    /// statement in flight is cancelled and every item left fails, so shutdown never waits on a slow database.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(_shutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await _writer.ConfigureAwait(false);
        }
    }

    private static ClusterBusyException ShuttingDown() => new("The node is shutting down; publish on another node.");

    private async Task WriteAsync()
    {
        var batch = new List<PendingAppend>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                if (next.TryClaim())
                {
                    batch.Add(next);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                _abort.Token.ThrowIfCancellationRequested();
                var positions = await AppendBatchAsync(batch, _abort.Token).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Position.TrySetResult(positions[i]);
                }
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                foreach (var pending in batch)
                {
                    pending.Position.TrySetException(ShuttingDown());
                }
            }
            catch (Exception ex)
            {
                // Every caller of the batch learns that its append failed (or may have: the commit is unknown).
                foreach (var pending in batch)
                {
                    pending.Position.TrySetException(ex);
                }
            }

            batch.Clear();
        }
    }

    private async Task<long[]> AppendBatchAsync(List<PendingAppend> batch, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(AppendSql);
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => (short)p.Entry.Kind).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Entry.IsReplayable).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Entry.CreatedAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => LogEntry.FitsInline(p.Payload)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
        command.Parameters.Add(new NpgsqlParameter { Value = _channel, NpgsqlDbType = NpgsqlDbType.Text });

        var positions = new long[batch.Count];
        var read = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            positions[read++] = reader.GetInt64(0);
        }

        return read == batch.Count
            ? positions
            : throw new InvalidOperationException($"The event log appended {read} of {batch.Count} items.");
    }

    private sealed record PendingAppend(LogEntry Entry, string Payload)
    {
        // 0 while queued; 1 once taken into a batch; 2 once its caller gave up first. Whoever moves it from 0 decides.
        private int _state;

        public TaskCompletionSource<long> Position { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }
}
