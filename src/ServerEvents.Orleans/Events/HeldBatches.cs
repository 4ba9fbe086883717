using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Events;

/// <summary>
/// Batches that reached the listener ahead of their turn, held briefly for the ones before them. Grain observer calls
/// are not delivered in the order the log sent them: a silo addresses a message to a client asynchronously, and the
/// sends resume from the thread pool, whose local queue runs last-in first-out, so a burst of batches arrives reversed.
/// Reading the log for each of them made every front-end read nearly every item from the log instead of taking it from
/// the fan-out. Held for <see cref="OrleansClusterOptions.FanOutReorderWindow"/> at most: a batch still ahead of its
/// turn after that, or one that finds the buffer full, marks a real gap, which the listener fills from the log.
/// </summary>
/// <param name="window">How long the oldest held batch waits for the ones before it.</param>
/// <param name="time">The clock the wait is measured by.</param>
internal sealed class HeldBatches(TimeSpan window, TimeProvider time)
{
    // A bound on the memory a lost batch can hold up; past it, the listener reads the log at once.
    private const int Capacity = 256;

    private readonly SortedList<long, LogBatch> _held = [];
    private long _heldSince;

    /// <summary>How many batches are held.</summary>
    public int Count => _held.Count;

    /// <summary>The first position of the earliest held batch; meaningful while <see cref="Count"/> is above 0.</summary>
    public long FirstPosition => _held.Keys[0];

    /// <summary>Holds <paramref name="batch"/>, which has items, unless the buffer is full.</summary>
    /// <returns>Whether it is held; if not, the caller handles it now.</returns>
    public bool TryHold(LogBatch batch)
    {
        if (window <= TimeSpan.Zero || _held.Count >= Capacity)
        {
            return false;
        }

        if (_held.Count == 0)
        {
            _heldSince = time.GetTimestamp();
        }

        _held.TryAdd(batch.Items[0].Position, batch);
        return true;
    }

    /// <summary>Takes the earliest held batch if its turn has come (it starts at or before the next position).</summary>
    public bool TryTakeInTurn(long dispatched, out LogBatch batch)
    {
        if (_held.Count > 0 && _held.Keys[0] <= dispatched + 1)
        {
            batch = _held.Values[0];
            _held.RemoveAt(0);
            return true;
        }

        batch = null!;
        return false;
    }

    /// <summary>How much longer the held batches may wait; zero when overdue.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = window - time.GetElapsedTime(_heldSince);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Whether batches are held and have waited their whole window.</summary>
    public bool IsOverdue => _held.Count > 0 && Remaining == TimeSpan.Zero;

    /// <summary>Drops everything held: the log's positions started again.</summary>
    public void Clear() => _held.Clear();
}
