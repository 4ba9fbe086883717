namespace ServerEvents.Cluster;

/// <summary>An event on its way into the cluster tier, before it has a position.</summary>
/// <param name="Target">Who the event is for.</param>
/// <param name="Selector">The full selector, including any <c>channel@</c> prefix.</param>
/// <param name="Body">Single-line JSON, or empty for a null message.</param>
public sealed record OutgoingEvent(EventTarget Target, string Selector, string Body)
{
    /// <summary>
    /// The W3C <c>traceparent</c> of the publish, when it is traced: the tier carries it to every node, whose
    /// delivery span becomes its child. <see langword="null"/> while nobody listens, and then nothing is carried.
    /// </summary>
    public string? TraceParent { get; init; }
}
