namespace ServerEvents.Delivery;

/// <summary>
/// Connections grouped by one key (channel, user id, user name or session), with an array snapshot per key
/// that the dispatcher reads without locking; a snapshot is rebuilt only on the first read after a change.
/// </summary>
internal sealed class SubscriptionIndex
{
    private static readonly EventStreamConnection[] None = [];

    // A key's members: the connection itself while it is the only one, a set from the second on. Most keys
    // have one member (every anonymous user id is unique to its stream), and a set per stream would be
    // several hundred bytes on every held stream.
    private readonly Dictionary<string, object> _members = new(StringComparer.Ordinal);
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
            if (!_members.TryGetValue(key, out var members))
            {
                _members[key] = connection;
            }
            else if (members is HashSet<EventStreamConnection> set)
            {
                set.Add(connection);
            }
            else if (members != connection)
            {
                _members[key] = new HashSet<EventStreamConnection> { (EventStreamConnection)members, connection };
            }

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
            if (!_members.TryGetValue(key, out var members))
            {
                return;
            }

            if (members is HashSet<EventStreamConnection> set)
            {
                if (!set.Remove(connection))
                {
                    return;
                }

                if (set.Count == 0)
                {
                    _members.Remove(key);
                }
            }
            else if (members == connection)
            {
                _members.Remove(key);
            }
            else
            {
                return;
            }

            _snapshots.Remove(key);
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

            if (!_members.TryGetValue(key, out var members))
            {
                return None;
            }

            snapshot = members is HashSet<EventStreamConnection> set ? [.. set] : [(EventStreamConnection)members];
            _snapshots[key] = snapshot;
            return snapshot;
        }
    }
}
