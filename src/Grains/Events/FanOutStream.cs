namespace ServerEvents.Grains.Events;

/// <summary>The one broadcast stream of a deployment's log: every front-end subscribes once (per node, not per connection).</summary>
public static class FanOutStream
{
    /// <summary>
    /// Queues of the stream provider: the log has one stream, so one queue and one pulling agent in the cluster; more
    /// would only add agents polling empty queues.
    /// </summary>
    public const int Queues = 1;

    /// <summary>
    /// How often the pulling agent polls its queue by default. Every publish waits for the next poll, so Orleans' own
    /// default of 100 ms would add 50 ms to it on average; a poll is one local grain call on the silo that holds the
    /// agent, and at 5 ms they cost an idle silo about 8 % of a core (measured; 2 ms cost 13 %).
    /// </summary>
    public static readonly TimeSpan DefaultPollPeriod = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How many stream messages the pulling agent hands a subscriber in one call. Orleans' default of one makes the
    /// agent wait for a round trip to each front-end per message, which caps the messages per second the stream can
    /// carry; when the log fans out before committing, a message per publish group came to more than that cap at
    /// 1,000 publishes/s and the backlog grew to half a second (measured; bench/RESULTS.md).
    /// </summary>
    public const int DeliveryBatch = 64;

    /// <summary>The stream namespace.</summary>
    public const string Namespace = "server-events-log";

    /// <summary>The stream of the log of <paramref name="scope"/>.</summary>
    public static StreamId Id(string scope) => StreamId.Create(Namespace, scope);
}
