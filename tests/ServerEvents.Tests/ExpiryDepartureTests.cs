using Microsoft.Extensions.DependencyInjection;
using ServerEvents.Cluster;

namespace ServerEvents.Tests;

/// <summary>Each departure of an expiry sweep stands on its own, and a leave notice that could not go out is sent later.</summary>
public sealed class ExpiryDepartureTests
{
    [Fact]
    public async Task A_failing_departure_does_not_swallow_the_others_and_is_retried_on_the_next_sweep()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        string? failing = null;
        var failures = 0;
        await using var server = await LoopbackServer.StartAsync(
            o =>
            {
                // Only this test sweeps, so each sweep is one deterministic step.
                o.ExpirySweepInterval = TimeSpan.FromHours(1);
                o.IdleTimeout = TimeSpan.FromMinutes(1);
                o.Hooks.OnUnsubscribe = info =>
                    info.Id == Volatile.Read(ref failing) && Interlocked.Increment(ref failures) == 1
                        ? throw new InvalidOperationException("The hook failed once.")
                        : Task.CompletedTask;
            },
            build => build.Services.AddSingleton<TimeProvider>(time));
        var sink = new RecordingSink();
        using var attachment = server.Services.GetRequiredService<IClusterTier>().Events.Attach(sink);
        var streams = new List<EventStreamReader>();
        var clients = new List<HttpClient>();
        foreach (var name in new[] { "ann", "bob", "cy" })
        {
            var client = server.CreateClient(new TestUser(name, name, name));
            clients.Add(client);
            streams.Add(await EventStreamReader.OpenAsync(client, "event-stream?channels=room", heartbeat: false));
        }

        Volatile.Write(ref failing, streams[1].SubscriptionId);
        var sweeper = server.Services.GetRequiredService<ServerEventsService>();
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(3, await sweeper.ExpireIdleAsync(CancellationToken.None));
        Assert.Equal(["ann", "cy"], LeftUsers(sink).Order());

        Assert.Equal(0, await sweeper.ExpireIdleAsync(CancellationToken.None));
        Assert.Equal(["ann", "bob", "cy"], LeftUsers(sink).Order());
        Assert.Equal(2, failures);

        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        clients.ForEach(c => c.Dispose());
    }

    private static IEnumerable<string> LeftUsers(RecordingSink sink) =>
        sink.Events.Where(e => e.Selector == "room@cmd.onLeave")
            .Select(e => System.Text.Json.JsonDocument.Parse(e.Body).RootElement.GetProperty("userId").GetString()!);
}
