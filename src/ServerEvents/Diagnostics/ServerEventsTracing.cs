using System.Diagnostics;
using ServerEvents.Cluster;

namespace ServerEvents.Diagnostics;

/// <summary>
/// The feature's spans on the <c>ServerEvents</c> activity source: a publish, its append to the cluster tier, and
/// each node's delivery of it. The publish's W3C <c>traceparent</c> travels with the event through the tier
/// (<see cref="OutgoingEvent.TraceParent"/>), so every node's delivery span is a child of the publish that caused it,
/// in the same trace as the HTTP request that published. Nothing is started, and nothing is carried, while no
/// listener is attached.
/// </summary>
public static class ServerEventsTracing
{
    /// <summary>The activity source name, for OpenTelemetry's <c>AddSource</c>.</summary>
    public const string ActivitySourceName = "ServerEvents";

    /// <summary>The name of the span around a publish.</summary>
    public const string PublishSpan = "serverevents.publish";

    /// <summary>The name of the span around a cluster tier's append of a publish.</summary>
    public const string AppendSpan = "serverevents.append";

    /// <summary>The name of the span around a node handing a received event to its local streams.</summary>
    public const string DeliverSpan = "serverevents.deliver";

    private const string MessagingSystem = "serverevents";

    private static readonly ActivitySource Source = new(ActivitySourceName, typeof(ServerEventsTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of a cluster tier's append, a child of the current publish.</summary>
    /// <param name="tier">The cluster tier, e.g. <c>postgres</c>.</param>
    /// <returns>The span, or <see langword="null"/> when nobody listens.</returns>
    public static Activity? StartAppend(string tier)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(AppendSpan, ActivityKind.Client);
        activity?.SetTag(ServerEventsMetrics.TierAttribute, tier);
        return activity;
    }

    /// <summary>Starts the span of a publish, a child of the current activity (the HTTP request, typically).</summary>
    internal static Activity? StartPublish(EventTarget target, string selector)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(PublishSpan, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", MessagingSystem);
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("serverevents.target", TargetName(target.Kind));
            activity.SetTag("serverevents.selector", selector);
            if (ChannelOf(target) is { } channel)
            {
                activity.SetTag("messaging.destination.name", channel);
            }
        }

        return activity;
    }

    /// <summary>Starts the span of this node delivering <paramref name="clusterEvent"/>, a child of its publish.</summary>
    /// <returns>The span, or <see langword="null"/> when nobody listens or the event carries no trace context.</returns>
    internal static Activity? StartDeliver(ClusterEvent clusterEvent)
    {
        // An event published without a listener carries no context; a root span per event and node would be noise.
        if (clusterEvent.TraceParent is not { } traceParent
            || !Source.HasListeners()
            || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = Source.StartActivity(DeliverSpan, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", MessagingSystem);
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.message.id", clusterEvent.Id);
            activity.SetTag("serverevents.target", TargetName(clusterEvent.Target.Kind));
            if (ChannelOf(clusterEvent.Target) is { } channel)
            {
                activity.SetTag("messaging.destination.name", channel);
            }
        }

        return activity;
    }

    // Channels only: the other keys are user ids, names and sessions, which do not belong in a trace store.
    private static string? ChannelOf(EventTarget target) =>
        target.Kind == EventTargetKind.Channel ? target.Key : target.ChannelFilter;

    private static string TargetName(EventTargetKind kind) => kind switch
    {
        EventTargetKind.All => "all",
        EventTargetKind.Channel => "channel",
        EventTargetKind.Subscription => "subscription",
        EventTargetKind.UserId => "user_id",
        EventTargetKind.UserName => "user_name",
        EventTargetKind.Session => "session",
        _ => "unknown",
    };
}
