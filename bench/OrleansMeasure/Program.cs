using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServerEvents.Cluster;
using ServerEvents.Subscriptions;

// Joins the cluster named by the usual configuration (ConnectionStrings:AzureStorage, Orleans:ClusterId and
// Orleans:ServiceId, as a front-end does), in a scope of its own, and prints publishes/s and joins/leaves per second.
//   dotnet bench/OrleansMeasure/bin/Release/net10.0/OrleansMeasure.dll [publishes per publisher] [joins]
var perPublisher = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var joinCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4000;

var builder = Host.CreateApplicationBuilder();
builder.Configuration["ServerEvents:Cluster:Orleans:Scope"] = "measure-" + Guid.NewGuid().ToString("N")[..8];
builder.Services.AddServerEventsOrleans(builder.Configuration);
builder.Services.AddServerEvents();
using var host = builder.Build();
await host.StartAsync();
var tier = host.Services.GetRequiredService<IClusterTier>();
var target = new EventTarget(EventTargetKind.Channel, "feed");

var sequential = Stopwatch.StartNew();
for (var n = 0; n < perPublisher; n++)
{
    await tier.Events.PublishAsync(new OutgoingEvent(target, "feed@cmd.n", "1"));
}

Console.WriteLine($"publish, 1 publisher awaiting each: {perPublisher / sequential.Elapsed.TotalSeconds:0}/s ({sequential.Elapsed.TotalMilliseconds / perPublisher:0.00} ms each)");
foreach (var publishers in new[] { 16, 64, 256 })
{
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, publishers).Select(_ => Task.Run(async () =>
    {
        for (var n = 0; n < perPublisher; n++)
        {
            await tier.Events.PublishAsync(new OutgoingEvent(target, "feed@cmd.n", "1"));
        }
    })));
    Console.WriteLine($"publish, {publishers} concurrent publishers: {publishers * perPublisher / watch.Elapsed.TotalSeconds:0}/s");
}

var nodeId = "measure-node";
foreach (var label in new[] { "new users", "returning users" })
{
    var now = DateTimeOffset.UtcNow;
    var joins = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, joinCount), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
        await tier.Directory.AddAsync(new SubscriptionInfo
        {
            Id = "s" + n.ToString(CultureInfo.InvariantCulture),
            UserId = "-" + n.ToString(CultureInfo.InvariantCulture),
            DisplayName = "user",
            Channels = ["hot", "room" + (n % 50).ToString(CultureInfo.InvariantCulture)],
            CreatedAt = now,
            NodeId = nodeId,
        }, now));
    var joinRate = joinCount / joins.Elapsed.TotalSeconds;
    var leaves = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, joinCount), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
        await tier.Directory.RemoveAsync("s" + n.ToString(CultureInfo.InvariantCulture)));
    Console.WriteLine($"{label}: joins {joinRate:0}/s, leaves {joinCount / leaves.Elapsed.TotalSeconds:0}/s ({joinCount}, 64 at a time, a hot channel + one of 50 rooms)");
}

await host.StopAsync();
