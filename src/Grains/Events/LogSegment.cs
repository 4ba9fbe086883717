namespace ServerEvents.Grains.Events;

/// <summary>
/// Items stored as one write-once record: either a chunk (the items of one group commit, named by its first position)
/// or a sealed segment (every item of a fixed range of <see cref="SegmentSize"/> positions, written once when the
/// range is complete, after which the chunks wholly inside sealed segments are deleted). A chunk may cross a segment
/// boundary: its items are then copied into both segments when they are sealed. A commit writes its own items once and
/// nothing else of the log; retention drops whole segments.
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
