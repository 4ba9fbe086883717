using System.Collections.Concurrent;
using ServerEvents.Subscriptions;

namespace ServerEvents.Cluster.Embedded;

/// <summary>The subscription directory held in this process.</summary>
public sealed class InMemorySubscriptionDirectory : ISubscriptionDirectory
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask AddAsync(SubscriptionInfo subscription, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        _entries[subscription.Id] = new Entry(subscription, now);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<SubscriptionInfo?> RemoveAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryRemove(subscriptionId, out var entry) ? entry.Info : null);

    /// <inheritdoc />
    public ValueTask<SubscriptionInfo?> PulseAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Change(subscriptionId, entry => entry with { LastPulse = now })?.Info);

    /// <inheritdoc />
    public ValueTask<SubscriptionChange?> UpdateChannelsAsync(
        string subscriptionId,
        IReadOnlyCollection<string> unsubscribe,
        IReadOnlyCollection<string> subscribe,
        CancellationToken cancellationToken = default)
    {
        SubscriptionInfo? before = null;
        var after = Change(subscriptionId, entry =>
        {
            before = entry.Info;
            var channels = entry.Info.Channels.Where(c => !unsubscribe.Contains(c)).ToList();
            channels.AddRange(subscribe.Where(c => !channels.Contains(c)));
            return entry with { Info = entry.Info with { Channels = channels } };
        });
        return ValueTask.FromResult(after is null ? null : new SubscriptionChange(before!, after.Info));
    }

    /// <inheritdoc />
    public ValueTask<SubscriptionInfo?> GetAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_entries.TryGetValue(subscriptionId, out var entry) ? entry.Info : null);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SubscriptionInfo>> GetByUserIdAsync(string userId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<SubscriptionInfo>>(
            [.. _entries.Values.Select(e => e.Info).Where(i => i.UserId == userId).OrderBy(i => i.CreatedAt)]);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SubscriptionInfo>> GetByChannelsAsync(IReadOnlyCollection<string>? channels, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<SubscriptionInfo>>(
            [.. _entries.Values
                .Select(e => e.Info)
                .Where(i => channels is null || channels.Count == 0 || i.Channels.Any(channels.Contains))
                .OrderBy(i => i.CreatedAt)]);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SubscriptionInfo>> RemoveIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var expired = new List<SubscriptionInfo>();
        foreach (var pair in _entries)
        {
            // Removing the exact entry seen means a heartbeat that raced in keeps the subscription alive.
            if (pair.Value.LastPulse < cutoff && _entries.TryRemove(pair))
            {
                expired.Add(pair.Value.Info);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<SubscriptionInfo>>(expired);
    }

    /// <inheritdoc />
    public ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        _entries.Clear();
        return ValueTask.CompletedTask;
    }

    private Entry? Change(string subscriptionId, Func<Entry, Entry> change)
    {
        while (_entries.TryGetValue(subscriptionId, out var current))
        {
            var updated = change(current);
            if (_entries.TryUpdate(subscriptionId, updated, current))
            {
                return updated;
            }
        }

        return null;
    }

    private sealed record Entry(SubscriptionInfo Info, DateTimeOffset LastPulse);
}
