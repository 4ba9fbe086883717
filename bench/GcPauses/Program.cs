using System.Globalization;
using ServerEvents.Bench.GcPauses;

// GcPauses <trace.nettrace>
//   Prints every garbage collection in a trace taken with `dotnet-trace collect --profile gc-collect` (bench/run.sh
//   --gc-trace takes one of every .NET server process) as a Markdown table: when, which generation, the pause every
//   request waited out, how much of it went on marking through older generations, and what survived, then a summary.
if (args.Length != 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: GcPauses <trace.nettrace>");
    return 2;
}

var collections = TraceReader.Read(args[0]);
const double MB = 1_000_000;

Console.WriteLine("| at (s) | GC | gen | kind | reason | pause (ms) | marking older generations (ms) | promoted (MB) | gen0 / gen1 / gen2 after (MB) |");
Console.WriteLine("| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |");
foreach (var c in collections)
{
    Console.WriteLine(FormattableString.Invariant(
        $"| {c.StartSeconds:0.0} | {c.Number} | {c.Generation} | {c.Kind} | {c.Reason} | {c.PauseMs:0.0} | {c.MarkOlderMs:0.0} | {c.PromotedBytes / MB:0.0} | {c.GenerationBytes[0] / MB:0} / {c.GenerationBytes[1] / MB:0} / {c.GenerationBytes[2] / MB:0} |"));
}

Console.WriteLine();
if (collections.Count == 0)
{
    Console.WriteLine("no collections in the trace");
    return 0;
}

var byGeneration = string.Join(", ", collections.GroupBy(c => c.Generation).OrderBy(g => g.Key)
    .Select(g => string.Create(CultureInfo.InvariantCulture, $"gen{g.Key} {g.Count()} (longest {g.Max(c => c.PauseMs):0.0} ms)")));
Console.WriteLine(FormattableString.Invariant(
    $"collections: {collections.Count} from {collections[0].StartSeconds:0.0} s to {collections[^1].StartSeconds:0.0} s ({byGeneration}); paused {collections.Sum(c => c.PauseMs):0} ms in all; pauses of 10 ms or more: {collections.Count(c => c.PauseMs >= 10)}."));
return 0;
