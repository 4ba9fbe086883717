using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ServerEvents.Bench.LoadGenerator.Report;

/// <summary>
/// The <c>table</c> command: reads the results of a whole run and prints one Markdown table, a section per
/// scenario, every figure for every subject with its ratio to nchan and to the baseline.
/// </summary>
internal static class ResultTable
{
    private const string Anchor = "nchan";
    private const string Floor = "baseline";

    // Scenarios in the order the task describes them; others follow.
    private static readonly string[] ScenarioOrder = ["fanout", "channels", "hold"];

    // Column order; a subject with no result shows as pending (the PostgreSQL tier may not exist yet).
    private static readonly (string Id, string Title)[] Subjects =
    [
        (Anchor, "nchan"),
        (Floor, "baseline"),
        ("ours", "ours (embedded)"),
        ("ours-pg", "ours (2 nodes, durable PostgreSQL)"),
        ("ours-pg-fast", "ours (2 nodes, PostgreSQL, fsync off)"),
    ];

    public static string Render(IEnumerable<string> files)
    {
        var results = files.Select(f => JsonSerializer.Deserialize<RunResult>(File.ReadAllText(f), RunResult.Json)!).ToList();
        var text = new StringBuilder();
        text.AppendLine(Header());
        foreach (var scenario in results.GroupBy(r => r.Scenario).OrderBy(g => ScenarioRank(g.Key)))
        {
            var bySubject = scenario.ToDictionary(r => r.Subject, StringComparer.Ordinal);
            var sample = scenario.First();
            text.AppendLine(Row([$"**{Describe(sample)}**", .. Enumerable.Repeat("", ColumnCount - 1)]));
            foreach (var figure in Figure.For(sample.PublishRate > 0))
            {
                text.AppendLine(Row([figure.Name, .. Cells(figure, bySubject)]));
            }
        }

        return text.ToString();
    }

    private static int ScenarioRank(string scenario) =>
        Array.IndexOf(ScenarioOrder, scenario) is var rank and >= 0 ? rank : ScenarioOrder.Length;

    private static int ColumnCount => 1 + Subjects.Sum(s => 1 + Ratios(s.Id).Count());

    private static string Header()
    {
        var titles = new List<string> { "figure" };
        foreach (var (id, title) in Subjects)
        {
            titles.Add(title);
            titles.AddRange(Ratios(id).Select(reference => $"{id} ÷ {reference}"));
        }

        return Row(titles) + Environment.NewLine + Row(titles.Select((_, i) => i == 0 ? "---" : "---:"));
    }

    private static IEnumerable<string> Ratios(string subject) =>
        subject switch
        {
            Anchor => [],
            Floor => [Anchor],
            _ => [Anchor, Floor],
        };

    private static IEnumerable<string> Cells(Figure figure, Dictionary<string, RunResult> bySubject)
    {
        foreach (var (id, _) in Subjects)
        {
            var result = bySubject.GetValueOrDefault(id);
            yield return result is null ? "pending" : figure.Text(result);
            foreach (var reference in Ratios(id))
            {
                yield return Ratio(figure, result, bySubject.GetValueOrDefault(reference));
            }
        }
    }

    private static string Ratio(Figure figure, RunResult? result, RunResult? reference)
    {
        if (figure.Number is null || result is null || reference is null)
        {
            return "";
        }

        var (value, baseValue) = (figure.Number(result), figure.Number(reference));
        return value is null || baseValue is not > 0 ? "" : (value.Value / baseValue.Value).ToString("0.00", CultureInfo.InvariantCulture) + "×";
    }

    private static string Describe(RunResult r)
    {
        var load = r.PublishRate > 0
            ? $", {r.PublishRate:0.##} msg/s of {Protocol.Payload.Size} B for {r.DurationSeconds:0} s"
            : ", held idle";
        return $"{r.Scenario}: {r.Connections:N0} streams over {r.Channels:N0} channel(s){load}";
    }

    private static string Row(IEnumerable<string> cells) => "| " + string.Join(" | ", cells) + " |";
}
