using System.Collections.Concurrent;
using ServerEvents.Cluster;

namespace ServerEvents.Subscriptions;

/// <summary>
/// The <c>userN</c> number of each anonymous session, so every tab and reconnect of a session shows the same display
/// name on every node and after a restart of any node: the number belongs to the session in the cluster tier
/// (<see cref="ISequenceStore.GetOrReserveAsync"/> on the <see cref="AnonymousUserNumbers.Sequence"/> sequence), and
/// this node remembers the numbers it has looked up so that only a session's first stream on a node costs a trip.
/// </summary>
/// <remarks>
/// The node's map is bounded: once it holds <see cref="MaxSessions"/> sessions it starts again, so a flood of
/// sessions can cost memory only up to the bound; a session seen again afterwards is looked up again and gets the
/// same number. On the embedded tier the process is the cluster, so a restart starts the numbering again.
/// </remarks>
public sealed class AnonymousSessionNumbers
{
    /// <summary>How many sessions a node remembers before it starts again.</summary>
    public const int MaxSessions = 100_000;

    private readonly ISequenceStore _sequences;
    private readonly ConcurrentDictionary<string, Lazy<Task<long>>> _sessions = new(StringComparer.Ordinal);

    /// <summary>Creates the map over the cluster's sequences.</summary>
    public AnonymousSessionNumbers(ISequenceStore sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        _sequences = sequences;
    }

    /// <summary>Returns the number of <paramref name="sessionKey"/>, reserving one the first time the cluster sees it.</summary>
    public async ValueTask<long> GetAsync(string sessionKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionKey);
        if (_sessions.Count >= MaxSessions)
        {
            _sessions.Clear();
        }

        // One look-up per session however many tabs race to open their streams; it is not tied to any one caller's
        // cancellation, so a tab that gives up does not fail the others waiting on it.
        var entry = _sessions.GetOrAdd(
            sessionKey,
            key => new Lazy<Task<long>>(() => _sequences.GetOrReserveAsync(AnonymousUserNumbers.Sequence, key, CancellationToken.None).AsTask()));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            // A failed look-up (the cluster tier was away) is not remembered: the next stream tries again.
            _sessions.TryRemove(new KeyValuePair<string, Lazy<Task<long>>>(sessionKey, entry));
            throw;
        }
    }
}
