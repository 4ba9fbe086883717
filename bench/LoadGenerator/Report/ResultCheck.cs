using System.Text.Json;

namespace ServerEvents.Bench.LoadGenerator.Report;

/// <summary>
/// The <c>check</c> command: lists what went wrong in a set of results (streams that did not open or stay open,
/// failed publishes, lost messages, refused heartbeats). The smoke run fails on any of them.
/// </summary>
internal static class ResultCheck
{
    public static IReadOnlyList<string> Problems(IEnumerable<string> files)
    {
        var problems = new List<string>();
        foreach (var file in files)
        {
            var r = JsonSerializer.Deserialize<RunResult>(File.ReadAllText(file), RunResult.Json)!;
            var name = $"{r.Subject}/{r.Scenario}";
            if (r.ServerExited)
            {
                problems.Add($"{name}: a server process exited during the run");
            }

            if (r.Held < r.Connections)
            {
                problems.Add($"{name}: {r.Held} of {r.Connections} streams held ({r.Failed} failed to open: {r.FirstError ?? "none"})");
            }

            // A refused heartbeat is a stream the server will expire.
            if (r.HeartbeatFailures > 0)
            {
                problems.Add($"{name}: {r.HeartbeatFailures} heartbeats failed or were refused");
            }

            if (r.PublishRate <= 0)
            {
                continue;
            }

            if (r.PublishErrors > 0)
            {
                problems.Add($"{name}: {r.PublishErrors} publishes failed ({r.FirstPublishError})");
            }

            if (r.Expected == 0 || r.Delivered < r.Expected)
            {
                problems.Add($"{name}: delivered {r.Delivered} of {r.Expected} expected messages ({r.Expected - r.Delivered} lost)");
            }
        }

        return problems;
    }
}
