using System.Threading.Channels;
using ServerEvents.Postgres.Connections;

namespace ServerEvents.Postgres.Batching;

/// <summary>
/// Group commit on this node: one writer takes whatever is waiting and writes it with one round trip and one
/// commit, so under a durable PostgreSQL one WAL flush serves every item of the batch, and the node holds one
/// connection for the work however many requests are waiting for it. Items are written in the order they were
/// handed over. The queue is bounded: when it is full a caller waits for room, then fails with
/// <see cref="ClusterBusyException"/> (a 503), so a slow database never makes the node hold ever more work.
/// </summary>
/// <typeparam name="TItem">What a caller hands over.</typeparam>
/// <typeparam name="TResult">What each caller gets back once its batch has committed.</typeparam>
internal sealed class GroupCommitQueue<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<TResult[]>> _write;
    private readonly string _what;
    private readonly int _maxBatch;
    private readonly TimeSpan _queueTimeout;
    private readonly TimeSpan _shutdownTimeout;
    private readonly Channel<Pending> _pending;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _writer;

    /// <param name="what">What the items are, for the busy message ("the event log", "the directory").</param>
    /// <param name="write">Writes one batch in one transaction; returns one result per item, in order.</param>
    /// <param name="maxBatch">A bound on one batch's size; more waiting items go in the next batch.</param>
    /// <param name="options">The queue's capacity, how long a caller waits for room and how long disposal waits.</param>
    public GroupCommitQueue(
        string what,
        Func<IReadOnlyList<TItem>, CancellationToken, Task<TResult[]>> write,
        int maxBatch,
        PostgresClusterOptions options)
    {
        _what = what;
        _write = write;
        _maxBatch = maxBatch;
        _queueTimeout = options.AppendQueueTimeout;
        _shutdownTimeout = options.AppendShutdownTimeout;
        _pending = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.AppendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>
    /// Hands over one item; completes with its result once the batch holding it has committed. A caller that gives
    /// up before its item is taken into a batch withdraws it: it is never written. Once taken, the item is in a
    /// transaction that may commit, so the caller waits for the outcome rather than guess it.
    /// </summary>
    public async Task<TResult> EnqueueAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(item);
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
                throw new ClusterBusyException($"{_what} is not keeping up: the request waited {_queueTimeout.TotalSeconds:0.#} s for room. Try again shortly.");
            }
            catch (ChannelClosedException)
            {
                throw ShuttingDown();
            }
        }

        using var registration = cancellationToken.Register(
            static state =>
            {
                var (withdrawn, token) = ((Pending, CancellationToken))state!;
                if (withdrawn.TryWithdraw())
                {
                    withdrawn.Result.TrySetCanceled(token);
                }
            },
            (pending, cancellationToken));
        return await pending.Result.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Stops taking items and waits up to the shutdown timeout for the queued ones to be written; after that the
    /// batch in flight is cancelled and every item left fails, so shutdown never waits on a slow database.
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

        _abort.Dispose();
    }

    private static ClusterBusyException ShuttingDown() => new("The node is shutting down; retry on another node.");

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        var items = new List<TItem>(_maxBatch);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatch && _pending.Reader.TryRead(out var next))
            {
                if (next.TryClaim())
                {
                    batch.Add(next);
                    items.Add(next.Item);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                _abort.Token.ThrowIfCancellationRequested();
                var results = await _write(items, _abort.Token).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(results[i]);
                }
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(ShuttingDown());
                }
            }
            catch (Exception ex)
            {
                // Every caller of the batch learns that its write failed (or may have: the commit is unknown).
                var failure = DatabaseFailure.Translate(ex);
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(failure);
                }
            }

            batch.Clear();
            items.Clear();
        }
    }

    private sealed class Pending(TItem item)
    {
        // 0 while queued; 1 once taken into a batch; 2 once its caller gave up first. Whoever moves it from 0 decides.
        private int _state;

        public TItem Item { get; } = item;

        public TaskCompletionSource<TResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }
}
