namespace ServerEvents.Grains.Events;

/// <summary>An event as the log stores it: its audience, selector and body.</summary>
/// <param name="TargetKind">Who it is for (the numeric value of the front-end's target kind).</param>
/// <param name="TargetKey">The channel, subscription id, user id, user name or session id; null for everyone.</param>
/// <param name="ChannelFilter">For targeted events: only subscriptions in this channel.</param>
/// <param name="Selector">The full selector.</param>
/// <param name="Body">Single-line JSON, or empty.</param>
/// <param name="Replayable">Whether a replay may hand it to a new subscription.</param>
/// <param name="TraceParent">The publish's W3C <c>traceparent</c>, when it was traced, so each front-end's delivery joins its trace.</param>
[GenerateSerializer, Immutable, Alias("server-events.LogEvent")]
public sealed record LogEvent(
    [property: Id(0)] int TargetKind,
    [property: Id(1)] string? TargetKey,
    [property: Id(2)] string? ChannelFilter,
    [property: Id(3)] string Selector,
    [property: Id(4)] string Body,
    [property: Id(5)] bool Replayable,
    [property: Id(6)] string? TraceParent = null);
