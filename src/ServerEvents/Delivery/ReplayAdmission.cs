using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Delivery;

/// <summary>
/// Lets at most <see cref="ServerEventsOptions.MaxConcurrentReplays"/> resuming streams replay at once on this node.
/// A replay reads the log and holds a page of it until the client has taken it, so unbounded concurrent replays
/// (<c>?lastEventId=0</c> on many streams) would cost the node memory and database reads in proportion to how many
/// a client opens. The excess waits, oldest first, for up to <see cref="ServerEventsOptions.ReplayWaitTimeout"/>.
/// </summary>
internal sealed class ReplayAdmission : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeSpan _waitTimeout;
    private readonly TimeProvider _time;

    public ReplayAdmission(IOptions<ServerEventsOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        Limit = options.Value.MaxConcurrentReplays;
        _waitTimeout = options.Value.ReplayWaitTimeout;
        _time = time;

        // Waiters are streams already admitted by StreamAdmission, so the queue is bounded by MaxConnections.
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Limit,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>The most replays at once.</summary>
    public int Limit { get; }

    /// <summary>The longest a stream waits for a replay place.</summary>
    public TimeSpan WaitTimeout => _waitTimeout;

    /// <summary>Waits for a place to replay; the lease gives it back when disposed.</summary>
    /// <returns>The lease, or null when no place came free within the wait timeout.</returns>
    public async ValueTask<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_waitTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var lease = await _limiter.AcquireAsync(1, linked.Token).ConfigureAwait(false);
            if (lease.IsAcquired)
            {
                return lease;
            }

            lease.Dispose();
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _limiter.Dispose();
}
