using System.Text.Json;
using ServerEvents.Bench.LoadGenerator;
using ServerEvents.Bench.LoadGenerator.Coordinator;
using ServerEvents.Bench.LoadGenerator.Report;
using ServerEvents.Bench.LoadGenerator.Worker;

// run:    one measured run against one subject; prints its RunResult as JSON (also to --out when given).
// worker: started by run; holds a share of the streams (see WorkerHost).
// table:  prints the Markdown table of the given result files.
// check:  exits 1 when any of the given results shows failed streams, failed publishes or lost messages.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: LoadGenerator run|worker|table|check [options]  (see bench/README.md)");
    return 2;
}

var options = new CommandLine(args.Skip(1));
switch (args[0])
{
    case "run":
        var result = await new RunCommand(RunOptions.Parse(options)).RunAsync();
        var json = JsonSerializer.Serialize(result, RunResult.Json);
        if (options.Has("out"))
        {
            await File.WriteAllTextAsync(options.Get("out"), json);
        }

        Console.WriteLine(json);
        return 0;
    case "worker":
        return await new WorkerHost(WorkerOptions.Parse(options)).RunAsync();
    case "table":
        Console.Write(ResultTable.Render(options.Positional));
        return 0;
    case "check":
        var problems = ResultCheck.Problems(options.Positional);
        foreach (var problem in problems)
        {
            Console.Error.WriteLine("check: " + problem);
        }

        return problems.Count == 0 ? 0 : 1;
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}
