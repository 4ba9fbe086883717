namespace ServerEvents.Grains.Events;

/// <summary>The one broadcast stream of a deployment's log: every front-end subscribes once (per node, not per connection).</summary>
public static class FanOutStream
{
    /// <summary>The stream namespace.</summary>
    public const string Namespace = "server-events-log";

    /// <summary>The stream of the log of <paramref name="scope"/>.</summary>
    public static StreamId Id(string scope) => StreamId.Create(Namespace, scope);
}
