using ServerEvents.Cluster;

namespace ServerEvents.Subscriptions;

/// <summary>
/// Numbers anonymous users from the cluster-wide <c>anonymous-user</c> sequence, a block at a time: every stream
/// an anonymous caller opens needs a number, and one trip to the cluster tier per block instead of per stream
/// keeps a reconnect storm from queueing on the sequence's single row. Numbers are unique across the cluster but
/// not in cluster-wide order, and a node that stops discards the rest of its block.
/// </summary>
public sealed class AnonymousUserNumbers
{
    /// <summary>The sequence that numbers anonymous users across the cluster.</summary>
    public const string Sequence = "anonymous-user";

    /// <summary>How many numbers a node reserves at a time.</summary>
    public const int BlockSize = 100;

    private readonly ISequenceStore _sequences;
    private readonly SemaphoreSlim _refill = new(1, 1);
    private readonly Lock _lock = new();
    private long _next;
    private long _end;

    /// <summary>Creates the numbering over the cluster's sequences.</summary>
    public AnonymousUserNumbers(ISequenceStore sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        _sequences = sequences;
    }

    /// <summary>Returns a number no other anonymous user on any node has been given.</summary>
    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        if (TryTake(out var number))
        {
            return number;
        }

        // One caller reserves the next block; the others wait for it rather than each reserving their own.
        await _refill.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (TryTake(out number))
            {
                return number;
            }

            var first = await _sequences.ReserveAsync(Sequence, BlockSize, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _next = first + 1;
                _end = first + BlockSize;
            }

            return first;
        }
        finally
        {
            _refill.Release();
        }
    }

    private bool TryTake(out long number)
    {
        lock (_lock)
        {
            number = _next;
            if (_next < _end)
            {
                _next++;
                return true;
            }

            return false;
        }
    }
}
