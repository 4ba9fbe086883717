namespace ServerEvents.Grains.Events;

/// <summary>
/// A fixed range of <see cref="SegmentSize"/> positions, stored as one record of its own. Only the open (newest)
/// segment is ever written, by the commit that adds to it; once full it is never written again, and retention drops
/// whole segments. So a commit writes at most one segment's worth of items, never the retained log.
/// </summary>
[GenerateSerializer, Alias("server-events.LogSegment")]
public sealed class LogSegment
{
    /// <summary>How many positions one segment covers.</summary>
    public const int SegmentSize = 128;

    /// <summary>The items, in position order.</summary>
    [Id(0)]
    public List<LogItem> Items { get; set; } = [];

    /// <summary>The segment that holds <paramref name="position"/>.</summary>
    public static long Of(long position) => (position - 1) / SegmentSize;

    /// <summary>The last position of segment <paramref name="segment"/>.</summary>
    public static long LastPositionOf(long segment) => (segment + 1) * SegmentSize;
}
