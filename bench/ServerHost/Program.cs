using System.Globalization;
using System.Text;
using ServerEvents.Bench.Baseline;
using ServerEvents;

// The "ours, embedded tier" subject of the benchmark: the library hosted exactly as src/Api hosts it, plus one
// publish endpoint that src/Api does not have (its chat endpoints need a signed session and are rate limited).
// appsettings.json switches join/leave notices off and sets a 10-minute idle timeout, so the load generator
// needs no heartbeats. The cluster tier is chosen from configuration as src/Api chooses it, so two of these
// with ServerEvents:Cluster:Provider=Postgres are the "two nodes on PostgreSQL" subject, and two with
// ServerEvents:Cluster:Provider=Orleans (beside src/Silo) the "two front-ends on Orleans" subject.
var builder = WebApplication.CreateBuilder(args);
if (string.Equals(builder.Configuration["ServerEvents:Cluster:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase))
{
    builder.Services.AddServerEventsPostgres(builder.Configuration);
}
else if (string.Equals(builder.Configuration["ServerEvents:Cluster:Provider"], "Orleans", StringComparison.OrdinalIgnoreCase))
{
    builder.Services.AddServerEventsOrleans(builder.Configuration);
}

builder.Services.AddServerEvents();

var app = builder.Build();
app.MapServerEvents();
app.MapPost("/publish", PublishAsync);
app.MapGet("/bench/heap", HeapReport);
app.Run();

// The body is sent as a JSON string with the selector cmd.bench, as application code would send a message. It is
// read as the baseline reads its publishes (RequestBody, shared with it), so that the two differ only in what
// happens after the read: a StreamReader's own buffers were half of what this endpoint allocated per publish.
static async Task<IResult> PublishAsync(string channel, HttpRequest request, IServerEvents events, CancellationToken cancellationToken)
{
    var body = Encoding.UTF8.GetString(await RequestBody.ReadAsync(request));
    var id = await events.NotifyChannelAsync(channel, "cmd.bench", body, cancellationToken);
    return Results.Text(id.ToString(CultureInfo.InvariantCulture));
}

// A diagnostic for bench/RESULTS.md (GET /bench/heap): the live managed heap after a full collection beside what
// the GC has committed, what was ever allocated and the total GC pause, which tells per-stream state apart from
// GC headroom in the memory figure and GC pauses apart from other causes of latency.
static IResult HeapReport()
{
    var live = GC.GetTotalMemory(forceFullCollection: true);
    return Results.Json(new
    {
        live,
        committed = GC.GetGCMemoryInfo().TotalCommittedBytes,
        allocated = GC.GetTotalAllocatedBytes(),
        pauseMs = GC.GetTotalPauseDuration().TotalMilliseconds,
        gen0 = GC.CollectionCount(0),
        gen2 = GC.CollectionCount(2),
    });
}
