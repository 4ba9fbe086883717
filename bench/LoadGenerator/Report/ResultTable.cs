using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ServerEvents.Bench.LoadGenerator.Report;

/// <summary>
/// The <c>table</c> command: reads the results of a whole run and prints one Markdown table, a section per
/// scenario, every figure for every subject that has a result, with its ratio to nchan and to the baseline, and
/// for the cluster tiers also to the embedded one.
/// </summary>
internal static class ResultTable
{
    private const string Anchor = "nchan";
    private const string Floor = "baseline";
    private const string Embedded = "ours";

    // Scenarios in the order the task describes them; others follow.
    private static readonly string[] ScenarioOrder = ["fanout", "channels", "channels-real", "hold"];

    // Column order; a subject without a result in any scenario gets no column, one without a result in some
    // scenario shows as pending there.
    private static readonly (string Id, string Title)[] Subjects =
    [
        (Anchor, "nchan"),
        (Floor, "baseline"),
        (Embedded, "ours (embedded)"),
        ("ours-pg", "ours (2 nodes, durable PostgreSQL)"),
        ("ours-pg-fast", "ours (2 nodes, PostgreSQL, fsync off)"),
        ("ours-orleans", "ours (2 front-ends, Orleans)"),
        ("ours-orleans-early", "ours (2 front-ends, Orleans, fan-out before commit)"),
        ("ours-orleans-observers", "ours (2 front-ends, Orleans, fan-out before commit, observers)"),
    ];

    public static string Render(IEnumerable<string> files)
    {
        var results = files.Select(f => JsonSerializer.Deserialize<RunResult>(File.ReadAllText(f), RunResult.Json)!).ToList();
        var shown = Subjects.Select(s => s.Id).Where(id => results.Any(r => r.Subject == id)).ToHashSet(StringComparer.Ordinal);
        var columns = new Columns(Subjects.Where(s => shown.Contains(s.Id)).ToList(), shown);
        var text = new StringBuilder();
        text.AppendLine(columns.Header());
        foreach (var scenario in results.GroupBy(r => r.Scenario).OrderBy(g => ScenarioRank(g.Key)))
        {
            var bySubject = scenario.ToDictionary(r => r.Subject, StringComparer.Ordinal);
            var sample = scenario.First();
            text.AppendLine(Row([$"**{Describe(sample)}{DescribeSettings([.. scenario])}**", .. Enumerable.Repeat("", columns.Count - 1)]));
            foreach (var figure in Figure.For(sample.PublishRate > 0, scenario.Any(r => r.Heartbeat)))
            {
                text.AppendLine(Row([figure.Name, .. columns.Cells(figure, bySubject)]));
            }
        }

        return text.ToString();
    }

    private static int ScenarioRank(string scenario) =>
        Array.IndexOf(ScenarioOrder, scenario) is var rank and >= 0 ? rank : ScenarioOrder.Length;

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

    /// <summary>
    /// For a scenario in which some subjects ran with the shipped app's settings (channels-real), which ones, with
    /// what, and that the others ran as in every other scenario; empty for the stripped-down scenarios.
    /// </summary>
    private static string DescribeSettings(IReadOnlyCollection<RunResult> results)
    {
        var realistic = results.Where(r => r.ServerSettings is not null || r.Heartbeat).ToList();
        if (realistic.Count == 0)
        {
            return "";
        }

        var others = results.Except(realistic).Select(r => r.Subject).ToList();
        var settings = realistic.Select(r => r.ServerSettings).FirstOrDefault(s => s is not null);
        return $"; realistic for {string.Join(", ", realistic.Select(r => r.Subject))}: "
            + (settings is null ? "" : $"server with {settings}, ")
            + (realistic.All(r => r.Heartbeat) ? "every stream heartbeating" : "streams not heartbeating")
            + (others.Count == 0 ? "" : $"; {string.Join(", ", others)} as in the other scenarios (no heartbeat)");
    }

    private static string Row(IEnumerable<string> cells) => "| " + string.Join(" | ", cells) + " |";

    /// <summary>The subjects shown, each followed by its ratios to the references that are shown too.</summary>
    private sealed record Columns(List<(string Id, string Title)> Subjects, HashSet<string> Shown)
    {
        public int Count => 1 + Subjects.Sum(s => 1 + Ratios(s.Id).Count());

        public string Header()
        {
            var titles = new List<string> { "figure" };
            foreach (var (id, title) in Subjects)
            {
                titles.Add(title);
                titles.AddRange(Ratios(id).Select(reference => $"{id} ÷ {reference}"));
            }

            return Row(titles) + Environment.NewLine + Row(titles.Select((_, i) => i == 0 ? "---" : "---:"));
        }

        public IEnumerable<string> Cells(Figure figure, Dictionary<string, RunResult> bySubject)
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

        // nchan is the anchor, the baseline the floor, and the embedded tier what a cluster tier's cost is judged by.
        private IEnumerable<string> Ratios(string subject)
        {
            string[] references = subject switch
            {
                Anchor => [],
                Floor => [Anchor],
                Embedded => [Anchor, Floor],
                _ => [Anchor, Floor, Embedded],
            };
            return references.Where(Shown.Contains);
        }
    }
}
