namespace ServerEvents.Cluster;

/// <summary>An event on its way into the cluster tier, before it has a position.</summary>
/// <param name="Target">Who the event is for.</param>
/// <param name="Selector">The full selector, including any <c>channel@</c> prefix.</param>
/// <param name="Body">Single-line JSON, or empty for a null message.</param>
public sealed record OutgoingEvent(EventTarget Target, string Selector, string Body);
