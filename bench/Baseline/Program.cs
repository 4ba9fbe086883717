using ServerEvents.Bench.Baseline;

// The floor for .NET: Kestrel and minimal APIs with nothing between a publish and the subscribers' sockets.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSingleton<Broadcaster>();

var app = builder.Build();
app.MapGet("/sub", (string channel, HttpContext context, Broadcaster broadcaster) => broadcaster.SubscribeAsync(channel, context));
app.MapPost("/pub", async (string channel, HttpRequest request, Broadcaster broadcaster) =>
{
    await broadcaster.PublishAsync(channel, await RequestBody.ReadAsync(request));
    return Results.NoContent();
});
app.Run();
