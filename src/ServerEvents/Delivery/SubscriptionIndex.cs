namespace ServerEvents.Delivery;

/// <summary>
/// Connections grouped by one key (channel, user id, user name or session), with an array snapshot per key
/// that the dispatcher reads without locking; a snapshot is rebuilt only on the first read after a change.
/// </summary>
internal sealed class SubscriptionIndex
{
    private static readonly EventStreamConnection[] None = [];

    private readonly Dictionary<string, HashSet<EventStreamConnection>> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventStreamConnection[]> _snapshots = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Add(string? key, EventStreamConnection connection)
    {
        if (key is null)
        {
            return;
        }

        lock (_gate)
        {
            if (!_members.TryGetValue(key, out var set))
            {
                _members[key] = set = [];
            }

            set.Add(connection);
            _snapshots.Remove(key);
        }
    }

    public void Remove(string? key, EventStreamConnection connection)
    {
        if (key is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_members.TryGetValue(key, out var set) && set.Remove(connection))
            {
                if (set.Count == 0)
                {
                    _members.Remove(key);
                }

                _snapshots.Remove(key);
            }
        }
    }

    public EventStreamConnection[] Get(string? key)
    {
        if (key is null)
        {
            return None;
        }

        lock (_gate)
        {
            if (_snapshots.TryGetValue(key, out var snapshot))
            {
                return snapshot;
            }

            if (!_members.TryGetValue(key, out var set))
            {
                return None;
            }

            snapshot = [.. set];
            _snapshots[key] = snapshot;
            return snapshot;
        }
    }
}
