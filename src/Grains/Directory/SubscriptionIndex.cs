namespace ServerEvents.Grains.Directory;

/// <summary>
/// A partition's subscriptions by channel and by user, in memory only: it is derived from the records, rebuilt on
/// activation and changed in the same turn as they are, so it names exactly the subscriptions the partition holds.
/// </summary>
internal sealed class SubscriptionIndex
{
    private readonly Dictionary<string, HashSet<string>> _byChannel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byUser = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="record"/>, replacing what <paramref name="previous"/> (the same id) put there.</summary>
    public void Replace(SubscriptionRecord? previous, SubscriptionRecord record)
    {
        if (previous is not null)
        {
            Remove(previous);
        }

        foreach (var channel in record.Channels)
        {
            Add(_byChannel, channel, record.Id);
        }

        Add(_byUser, record.UserId, record.Id);
    }

    /// <summary>Removes <paramref name="record"/> from the index.</summary>
    public void Remove(SubscriptionRecord record)
    {
        foreach (var channel in record.Channels)
        {
            Remove(_byChannel, channel, record.Id);
        }

        Remove(_byUser, record.UserId, record.Id);
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _byChannel.Clear();
        _byUser.Clear();
    }

    /// <summary>The ids in any of <paramref name="channels"/>, each once.</summary>
    public IEnumerable<string> InChannels(IEnumerable<string> channels) =>
        channels.SelectMany(c => _byChannel.TryGetValue(c, out var ids) ? ids : []).Distinct(StringComparer.Ordinal);

    /// <summary>The ids of <paramref name="userId"/>.</summary>
    public IEnumerable<string> OfUser(string userId) => _byUser.TryGetValue(userId, out var ids) ? ids : [];

    private static void Add(Dictionary<string, HashSet<string>> index, string key, string id)
    {
        if (!index.TryGetValue(key, out var ids))
        {
            index[key] = ids = new HashSet<string>(StringComparer.Ordinal);
        }

        ids.Add(id);
    }

    private static void Remove(Dictionary<string, HashSet<string>> index, string key, string id)
    {
        if (index.TryGetValue(key, out var ids) && ids.Remove(id) && ids.Count == 0)
        {
            index.Remove(key);
        }
    }
}
