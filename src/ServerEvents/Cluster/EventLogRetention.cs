namespace ServerEvents.Cluster;

/// <summary>How much of the event log is kept for replay: whichever limit is reached first.</summary>
/// <param name="MaxCount">The most replayable events kept.</param>
/// <param name="MaxAge">The oldest replayable event kept.</param>
public sealed record EventLogRetention(int MaxCount, TimeSpan MaxAge)
{
    /// <summary>The default of <see cref="MaxBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The most bytes of replayable events kept, as each tier stores them (the embedded tier: the encoded frame and
    /// its routing data, packed; PostgreSQL: the stored payload); the newest event is always kept. Default <see cref="DefaultMaxBytes"/>.
    /// </summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;
}
