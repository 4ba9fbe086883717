using System.Globalization;
using ServerEvents.Bench.HeapStat;

// HeapStat <dump> <baseline-dump> <streams> [top]
//   Both dumps were taken while each server held <streams> idle streams (bench/heap-profile.sh takes them).
//   Prints each type's live bytes per stream in both and the difference, largest difference first, then totals.
if (args.Length < 3 || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var streams) || streams <= 0)
{
    Console.Error.WriteLine("usage: HeapStat <dump> <baseline-dump> <streams> [top]");
    return 2;
}

var top = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 30;
var ours = LiveHeap.Read(args[0]);
var baseline = LiveHeap.Read(args[1]);

var rows = ours.ByType.Keys.Union(baseline.ByType.Keys)
    .Select(type => (Type: type, Ours: ours.ByType.GetValueOrDefault(type), Baseline: baseline.ByType.GetValueOrDefault(type)))
    .Select(r => (r.Type, Ours: r.Ours.Bytes / (double)streams, Baseline: r.Baseline.Bytes / (double)streams, Objects: (r.Ours.Count - r.Baseline.Count) / (double)streams))
    .OrderByDescending(r => r.Ours - r.Baseline)
    .ToList();

Console.WriteLine("| live bytes per stream | dump | baseline dump | difference | objects per stream (difference) |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
foreach (var row in rows.Take(top))
{
    Console.WriteLine(FormattableString.Invariant($"| `{Shorten(row.Type)}` | {row.Ours:0} | {row.Baseline:0} | {row.Ours - row.Baseline:+0;-0;0} | {row.Objects:+0.0;-0.0;0} |"));
}

var rest = rows.Skip(top).ToList();
Console.WriteLine(FormattableString.Invariant($"| {rest.Count} other types | {rest.Sum(r => r.Ours):0} | {rest.Sum(r => r.Baseline):0} | {rest.Sum(r => r.Ours - r.Baseline):+0;-0;0} | |"));
Console.WriteLine(FormattableString.Invariant($"| **all live objects** | **{ours.Bytes / (double)streams:0}** | **{baseline.Bytes / (double)streams:0}** | **{(ours.Bytes - baseline.Bytes) / (double)streams:+0;-0;0}** | |"));
return 0;

// Generic arguments make names unreadable in a table; the outer type and the state machine's name tell enough.
static string Shorten(string type) => type
    .Replace("System.Runtime.CompilerServices.AsyncTaskMethodBuilder<System.Threading.Tasks.VoidTaskResult>+AsyncStateMachineBox", "AsyncStateMachineBox", StringComparison.Ordinal)
    .Replace("Microsoft.AspNetCore.Server.Kestrel.", "Kestrel.", StringComparison.Ordinal)
    .Replace("<Microsoft.AspNetCore.Hosting.HostingApplication+Context>", "", StringComparison.Ordinal)
    .Replace("|", "\\|", StringComparison.Ordinal);
