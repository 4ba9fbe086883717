using System.Collections.Concurrent;

namespace ServerEvents.Subscriptions;

/// <summary>
/// Remembers the <c>userN</c> number this node gave each anonymous session, so every tab and reconnect of a session
/// shows the same display name. The number comes from <see cref="AnonymousUserNumbers"/> the first time a session
/// opens a stream on this node.
/// </summary>
/// <remarks>
/// The map is bounded: once it holds <see cref="MaxSessions"/> sessions it starts again, so a flood of sessions can
/// cost memory only up to the bound; a session seen again afterwards gets a new number but keeps its user id.
/// </remarks>
public sealed class AnonymousSessionNumbers
{
    /// <summary>How many sessions a node remembers before it starts again.</summary>
    public const int MaxSessions = 100_000;

    private readonly AnonymousUserNumbers _numbers;
    private readonly ConcurrentDictionary<string, Lazy<Task<long>>> _sessions = new(StringComparer.Ordinal);

    /// <summary>Creates the map over the cluster-wide numbering.</summary>
    public AnonymousSessionNumbers(AnonymousUserNumbers numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        _numbers = numbers;
    }

    /// <summary>Returns the number of <paramref name="sessionKey"/>, reserving one the first time it is seen.</summary>
    public async ValueTask<long> GetAsync(string sessionKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionKey);
        if (_sessions.Count >= MaxSessions)
        {
            _sessions.Clear();
        }

        // One reservation per session however many tabs race to open their streams; it is not tied to any one
        // caller's cancellation, so a tab that gives up does not fail the others waiting on it.
        var entry = _sessions.GetOrAdd(sessionKey, _ => new Lazy<Task<long>>(() => _numbers.NextAsync(CancellationToken.None).AsTask()));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (entry.Value.IsFaulted)
        {
            // A failed reservation (the cluster tier was away) is not remembered: the next stream tries again.
            _sessions.TryRemove(new KeyValuePair<string, Lazy<Task<long>>>(sessionKey, entry));
            throw;
        }
    }
}
