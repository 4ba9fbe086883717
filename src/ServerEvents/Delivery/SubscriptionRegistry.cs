using System.Collections.Concurrent;
using ServerEvents.Cluster;
using ServerEvents.Subscriptions;

namespace ServerEvents.Delivery;

/// <summary>
/// The open connections of this node, indexed by subscription id, channel, user id, user name and session.
/// </summary>
public sealed class SubscriptionRegistry
{
    private readonly ConcurrentDictionary<string, EventStreamConnection> _byId = new(StringComparer.Ordinal);
    private readonly SubscriptionIndex _byChannel = new();
    private readonly SubscriptionIndex _byUserId = new();
    private readonly SubscriptionIndex _byUserName = new();
    private readonly SubscriptionIndex _bySession = new();

    /// <summary>How many connections are open on this node.</summary>
    public int Count => _byId.Count;

    /// <summary>Finds an open connection by subscription id.</summary>
    public bool TryGet(string subscriptionId, out EventStreamConnection connection) =>
        _byId.TryGetValue(subscriptionId, out connection!);

    internal void Add(EventStreamConnection connection)
    {
        var info = connection.Info;
        _byId[info.Id] = connection;
        IndexChannels(info.Channels, connection, add: true);
        _byUserId.Add(info.UserId, connection);
        _byUserName.Add(info.UserName, connection);
        _bySession.Add(info.SessionId, connection);
    }

    internal void Remove(EventStreamConnection connection)
    {
        var info = connection.Info;
        if (!_byId.TryRemove(new KeyValuePair<string, EventStreamConnection>(info.Id, connection)))
        {
            return;
        }

        IndexChannels(info.Channels, connection, add: false);
        _byUserId.Remove(info.UserId, connection);
        _byUserName.Remove(info.UserName, connection);
        _bySession.Remove(info.SessionId, connection);
    }

    internal void UpdateChannels(SubscriptionInfo updated)
    {
        if (!_byId.TryGetValue(updated.Id, out var connection))
        {
            return;
        }

        IndexChannels(connection.Info.Channels, connection, add: false);
        connection.Update(updated);
        IndexChannels(updated.Channels, connection, add: true);
    }

    /// <summary>Asks every open stream of this node to end.</summary>
    internal void CloseAll()
    {
        foreach (var (_, connection) in _byId)
        {
            connection.Close();
        }
    }

    internal IEnumerable<EventStreamConnection> All()
    {
        foreach (var (_, connection) in _byId)
        {
            yield return connection;
        }
    }

    /// <summary>The open connections an event is for, each once: the index's own snapshot array when it has one.</summary>
    internal IEnumerable<EventStreamConnection> Resolve(EventTarget target)
    {
        IEnumerable<EventStreamConnection> candidates = target.Kind switch
        {
            EventTargetKind.All => All(),
            EventTargetKind.Channel => _byChannel.Get(target.Key),
            EventTargetKind.Subscription => target.Key is not null && _byId.TryGetValue(target.Key, out var one) ? [one] : [],
            EventTargetKind.UserId => _byUserId.Get(target.Key),
            EventTargetKind.UserName => _byUserName.Get(target.Key),
            EventTargetKind.Session => _bySession.Get(target.Key),
            _ => [],
        };

        return target.ChannelFilter is null ? candidates : InChannel(candidates, target.ChannelFilter);
    }

    // Apart from Resolve, so that its closure is allocated only for targeted events with a channel filter, not for
    // every channel publish.
    private static IEnumerable<EventStreamConnection> InChannel(IEnumerable<EventStreamConnection> candidates, string channel) =>
        candidates.Where(c => c.Info.Channels.Contains(channel, StringComparer.Ordinal));

    private void IndexChannels(IReadOnlyList<string> channels, EventStreamConnection connection, bool add)
    {
        foreach (var channel in channels)
        {
            if (add)
            {
                _byChannel.Add(channel, connection);
            }
            else
            {
                _byChannel.Remove(channel, connection);
            }
        }
    }
}
