using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Delivery;

/// <summary>
/// Admits streams up to <see cref="ServerEventsOptions.MaxConnections"/> on this node; a stream that would exceed
/// it is refused with 503 and Retry-After, so the client retries (on another node behind a load balancer) rather
/// than the node running out of sockets.
/// </summary>
internal sealed class StreamAdmission : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public StreamAdmission(IOptions<ServerEventsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Where no limit is configured or known, so many permits that none is ever refused.
        Limit = options.Value.MaxConnections ?? OpenFileLimit.StreamLimit(OpenFileLimit.Value) ?? int.MaxValue;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = Limit, QueueLimit = 0 });
    }

    /// <summary>The most streams held at once.</summary>
    public int Limit { get; }

    /// <summary>Takes a place for one stream; the lease gives it back when disposed.</summary>
    /// <returns>The lease, or null when every place is taken.</returns>
    public IDisposable? TryAdmit()
    {
        var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    public void Dispose() => _limiter.Dispose();
}
