using System.Collections.Concurrent;
using ServerEvents.Subscriptions;

namespace ServerEvents.Expiry;

/// <summary>
/// Departures of expired subscriptions whose leave notices could not be sent. The subscription is already gone
/// from the directory, so nothing else would ever announce it: the next sweep tries again, a bounded number of times.
/// </summary>
internal sealed class PendingDepartures
{
    /// <summary>How many times a departure is tried in all before it is given up (a hook that always throws).</summary>
    public const int MaxAttempts = 5;

    private readonly ConcurrentQueue<(SubscriptionInfo Info, int Attempts)> _pending = new();

    /// <summary>How many departures wait for another try.</summary>
    public int Count => _pending.Count;

    /// <summary>Keeps a departure that failed for another try.</summary>
    /// <returns><see langword="false"/> when it has had all its attempts and is given up.</returns>
    public bool TryRequeue(SubscriptionInfo info, int attempts)
    {
        if (attempts >= MaxAttempts)
        {
            return false;
        }

        _pending.Enqueue((info, attempts));
        return true;
    }

    /// <summary>Takes every departure waiting now; those requeued while the caller retries wait for the next sweep.</summary>
    public List<(SubscriptionInfo Info, int Attempts)> TakeAll()
    {
        var taken = new List<(SubscriptionInfo, int)>();
        for (var n = _pending.Count; n > 0 && _pending.TryDequeue(out var item); n--)
        {
            taken.Add(item);
        }

        return taken;
    }
}
