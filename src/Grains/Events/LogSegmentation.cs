namespace ServerEvents.Grains.Events;

/// <summary>
/// How a log's positions are cut into segments of <paramref name="Size"/> positions each, segment 0 holding positions 1
/// to <paramref name="Size"/>. Fixed for the life of a log (its head records it), since the stored segments are named
/// by their number.
/// </summary>
/// <param name="Size">How many positions one segment covers.</param>
public readonly record struct LogSegmentation(int Size)
{
    /// <summary>The segment that holds <paramref name="position"/>.</summary>
    public long Of(long position) => (position - 1) / Size;

    /// <summary>The last position of segment <paramref name="segment"/>.</summary>
    public long LastPositionOf(long segment) => (segment + 1) * Size;
}
