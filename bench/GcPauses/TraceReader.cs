using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace ServerEvents.Bench.GcPauses;

/// <summary>Reads the collections out of an EventPipe trace taken with <c>dotnet-trace --profile gc-collect</c>.</summary>
internal static class TraceReader
{
    public static List<Collection> Read(string path)
    {
        var collections = new List<Collection>();
        Collection? current = null;
        double suspendStarted = 0;

        // Each heap's GC thread reports each mark stage as it finishes it, so a stage's duration is the time since
        // that heap's previous report (or the collection's start).
        var lastMark = new Dictionary<int, double>();
        var markOlder = new Dictionary<int, double>();

        using var source = new EventPipeEventSource(path);
        source.Clr.GCSuspendEEStart += e => suspendStarted = e.TimeStampRelativeMSec;
        source.Clr.GCStart += e =>
        {
            current = new Collection
            {
                Number = e.Count,
                StartSeconds = e.TimeStampRelativeMSec / 1000,
                Generation = e.Depth,
                Reason = e.Reason.ToString(),
                Kind = e.Type switch
                {
                    GCType.BackgroundGC => "background",
                    GCType.ForegroundGC => "foreground",
                    _ => "blocking",
                },
            };
            lastMark.Clear();
            markOlder.Clear();
        };
        source.Clr.GCMarkWithType += e =>
        {
            if (current is null)
            {
                return;
            }

            var since = lastMark.TryGetValue(e.HeapNum, out var previous) ? previous : current.StartSeconds * 1000;
            lastMark[e.HeapNum] = e.TimeStampRelativeMSec;
            if ((MarkRootType)e.Type == MarkRootType.MarkOlder)
            {
                markOlder[e.HeapNum] = markOlder.GetValueOrDefault(e.HeapNum) + (e.TimeStampRelativeMSec - since);
            }
        };
        source.Clr.GCHeapStats += e =>
        {
            if (current is null)
            {
                return;
            }

            current.PromotedBytes = current.Generation switch
            {
                0 => e.TotalPromotedSize0,
                1 => e.TotalPromotedSize0 + e.TotalPromotedSize1,
                _ => e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2,
            };
            current.GenerationBytes = [e.GenerationSize0, e.GenerationSize1, e.GenerationSize2];
        };
        source.Clr.GCRestartEEStop += e =>
        {
            if (current is null)
            {
                return;
            }

            current.PauseMs = e.TimeStampRelativeMSec - suspendStarted;
            current.MarkOlderMs = markOlder.Count > 0 ? markOlder.Values.Max() : 0;
            collections.Add(current);
            current = null;
        };
        source.Process();
        return collections;
    }
}
