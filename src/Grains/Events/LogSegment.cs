namespace ServerEvents.Grains.Events;

/// <summary>
/// Items stored as one write-once record: either a chunk (the items of one group commit, named by its first position)
/// or a sealed segment (every item of a fixed range of positions, <see cref="LogSegmentation"/>, written once when the
/// range is complete, after which the chunks wholly inside sealed segments are deleted). A chunk may cross a segment
/// boundary: its items are then copied into both segments when they are sealed. A commit writes its own items once and
/// nothing else of the log; retention drops whole segments.
/// </summary>
[GenerateSerializer, Alias("server-events.LogSegment")]
public sealed class LogSegment
{
    /// <summary>
    /// How many positions one segment of a new log covers: a seal costs a segment write, a head write and later a
    /// delete, so one per thousand publishes rather than one per hundred keeps the storage's requests down to little
    /// more than the commits' own.
    /// </summary>
    public const int DefaultSize = 1024;

    /// <summary>The size of the segments of a log whose head was written before it recorded its segment size.</summary>
    public const int FirstSize = 128;

    /// <summary>The items, in position order.</summary>
    [Id(0)]
    public List<LogItem> Items { get; set; } = [];

}
