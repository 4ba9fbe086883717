using ServerEvents.Cluster;
using ServerEvents.Grains.Events;
using ServerEvents.Orleans.Directory;

namespace ServerEvents.Orleans.Events;

/// <summary>Converts between the front-end's events and signals and what the log stores.</summary>
internal static class LogMapping
{
    public static LogAppend ToAppend(this OutgoingEvent outgoing, DateTimeOffset now) => new(
        now,
        new LogEvent((int)outgoing.Target.Kind, outgoing.Target.Key, outgoing.Target.ChannelFilter, outgoing.Selector, outgoing.Body, outgoing.Target.IsReplayable, outgoing.TraceParent),
        null);

    public static LogAppend ToAppend(this ClusterSignal signal, DateTimeOffset now) => new(
        now,
        null,
        new LogSignal((int)signal.Kind, signal.SubscriptionId, signal.Subscription?.ToRecord()));

    public static ClusterEvent ToClusterEvent(this LogItem item, LogEvent logged) => new(
        item.Position,
        new EventTarget((EventTargetKind)logged.TargetKind, logged.TargetKey, logged.ChannelFilter),
        logged.Selector,
        logged.Body,
        item.CreatedAt)
    {
        TraceParent = logged.TraceParent,
    };

    public static ClusterSignal ToClusterSignal(this LogSignal logged) =>
        new((ClusterSignalKind)logged.Kind, logged.SubscriptionId, logged.Subscription?.ToInfo());
}
