using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans;

/// <summary>How a front-end uses the Orleans tier, bound from <c>ServerEvents:Cluster:Orleans</c>.</summary>
public sealed class OrleansClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ServerEvents:Cluster:Orleans";

    /// <summary>
    /// The name every grain of this tier is keyed under: front-ends with the same scope share one directory, log and
    /// history. Default <c>server-events</c>; tests give each tier its own.
    /// </summary>
    public string Scope { get; set; } = "server-events";

    /// <summary>How long a front-end counts as alive after it last renewed its registration. Default 15 s.</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a front-end renews its registration. Default 5 s.</summary>
    public TimeSpan NodeRenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the fan-out stream may stay silent before the front-end assumes its subscription was lost (a silo
    /// restart), catches up from the log and subscribes again (in the background, so the catch-up never waits for the
    /// stream's pub-sub grain). The sequencer ticks every second. Default 3 s. With
    /// <see cref="FanOutTransport.Observers"/>, the observer's registration is renewed every third of it and lapses
    /// after all of it.
    /// </summary>
    public TimeSpan StreamSilenceTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// When the sequencer hands this front-end's publishes to the fan-out stream: <see cref="LogFanOut.AfterCommit"/>
    /// (the default: subscribers see only what is durable, one storage write after the publish) or
    /// <see cref="LogFanOut.BeforeCommit"/> (as soon as they have positions, sparing subscribers that write; a publish
    /// refused because its write failed may already have been delivered). Publishers are answered once the publish is
    /// durable either way.
    /// </summary>
    public LogFanOut FanOut { get; set; } = LogFanOut.AfterCommit;

    /// <summary>
    /// How the log's batches reach this front-end: <see cref="FanOutTransport.Streams"/> (the default: a subscription
    /// to the log's broadcast stream) or <see cref="FanOutTransport.Observers"/> (a grain observer registered with the
    /// log grain). Gap detection, catch-up from the log and the silence check work the same way for both. Set it the
    /// same on every front-end: the log sends to the registered observers whenever there are any, and to the stream
    /// only when there are none.
    /// </summary>
    public FanOutTransport FanOutTransport { get; set; } = FanOutTransport.Streams;

    /// <summary>
    /// How long a batch that arrives ahead of its turn is held for the ones before it before the front-end reads them
    /// from the log. Grain observer calls arrive out of order (a burst often reversed, within a millisecond or two), and
    /// reading the log for each such batch would make the log, not the fan-out, deliver nearly everything. A batch
    /// truly lost delays what follows it by this much. Default 20 ms; zero reads the log at once.
    /// </summary>
    public TimeSpan FanOutReorderWindow { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the health check waits for the cluster and its storage. Default 5 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
