namespace ServerEvents.Orleans;

/// <summary>How the event log's batches reach a front-end.</summary>
public enum FanOutTransport
{
    /// <summary>
    /// The default, as the design asks: one subscription per front-end to the log's broadcast stream, which a silo's
    /// pulling agent delivers from its queue (polled every <c>Orleans:FanOutPollPeriod</c>).
    /// </summary>
    Streams = 0,

    /// <summary>
    /// One grain observer per front-end, registered with the log grain and renewed every third of
    /// <see cref="OrleansClusterOptions.StreamSilenceTimeout"/>; the log calls each one directly, with no queue or poll
    /// in between. Every front-end of a deployment should use the same transport.
    /// </summary>
    Observers = 1,
}
