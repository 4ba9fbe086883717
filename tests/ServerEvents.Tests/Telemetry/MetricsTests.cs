using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using ServerEvents.Cluster;
using ServerEvents.Diagnostics;

namespace ServerEvents.Tests.Telemetry;

/// <summary>The <c>ServerEvents</c> meter as an OpenTelemetry exporter sees it.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task The_counters_move_with_streams_publishes_deliveries_replays_and_sweeps()
    {
        var exported = new List<MetricSnapshot>();
        await using var server = await LoopbackServer.StartAsync(
            // Only the test sweeps, so it knows how many sweeps ran.
            o => o.ExpirySweepInterval = TimeSpan.FromHours(1),
            builder => builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(ServerEventsMetrics.MeterName)
                .AddInMemoryExporter(exported)));
        var meters = new Collector(server.Services.GetRequiredService<MeterProvider>(), exported);
        var sink = new RecordingSink();
        using var attachment = server.Services.GetRequiredService<IClusterTier>().Events.Attach(sink);
        using var client = server.CreateClient(new TestUser("1", "ann", "Ann"));

        var first = await EventStreamReader.OpenAsync(client, "event-stream?channels=room", heartbeat: false);
        var joined = await first.WaitForAsync("room@cmd.onJoin");
        var figures = meters.Collect();
        Assert.Equal(1, figures.Sum("serverevents.connections.open"));
        Assert.Equal(1, figures.Sum("serverevents.events.published"));

        for (var n = 0; n < 3; n++)
        {
            await server.ServerEvents.NotifyChannelAsync("room", "cmd.msg", n);
        }

        await first.WaitUntilAsync(() => first.Received.Count(f => f.Selector == "cmd.msg") == 3);
        await first.DisposeAsync();
        await sink.WaitForAsync(items => items.OfType<ClusterEvent>().Any(e => e.Selector == "room@cmd.onLeave"));
        figures = meters.Collect();
        Assert.Equal(0, figures.Sum("serverevents.connections.open"));
        Assert.Equal(5, figures.Sum("serverevents.events.published"));

        // The stream's writer counts frames once flushed, and it has ended: the join and the three messages.
        Assert.True(figures.Sum("serverevents.frames.delivered") >= 4, "The stream's frames are counted.");

        // Every event the node received from the tier, once each: join, three messages, leave.
        Assert.Equal(5, figures.HistogramCount("serverevents.fanout.lag"));

        // Resuming from the join replays the three messages and the first stream's leave notice.
        var second = await EventStreamReader.OpenAsync(client, "event-stream?channels=room", joined.Id, heartbeat: false);
        await second.WaitForAsync("room@cmd.onLeave");
        await second.DisposeAsync();
        await sink.WaitForAsync(items => items.OfType<ClusterEvent>().Count(e => e.Selector == "room@cmd.onLeave") == 2);
        await server.Services.GetRequiredService<ServerEventsService>().ExpireIdleAsync(CancellationToken.None);
        figures = meters.Collect();
        Assert.Equal(1, figures.Sum("serverevents.replays"));
        Assert.Equal(4, figures.Sum("serverevents.events.replayed"));
        Assert.Equal(1, figures.Sum("serverevents.expiry.sweeps"));
        Assert.Equal(0, figures.Sum("serverevents.connections.open"));
        Assert.Equal(server.ServerEvents.GetStatistics().FramesDelivered, figures.Sum("serverevents.frames.delivered"));
    }

    [Fact]
    public async Task An_expiry_sweep_counts_the_subscriptions_it_expired()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var exported = new List<MetricSnapshot>();
        await using var server = await LoopbackServer.StartAsync(
            o =>
            {
                o.ExpirySweepInterval = TimeSpan.FromHours(1);
                o.IdleTimeout = TimeSpan.FromMinutes(1);
            },
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                    .AddMeter(ServerEventsMetrics.MeterName)
                    .AddInMemoryExporter(exported));
            });
        var meters = new Collector(server.Services.GetRequiredService<MeterProvider>(), exported);
        using var client = server.CreateClient(new TestUser("1", "ann", "Ann"));
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=room", heartbeat: false);

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await server.Services.GetRequiredService<ServerEventsService>().ExpireIdleAsync(CancellationToken.None));

        var figures = meters.Collect();
        Assert.Equal(1, figures.Sum("serverevents.expiry.sweeps"));
        Assert.Equal(1, figures.Sum("serverevents.expiry.departures"));
    }

    /// <summary>Collects the meter provider's current figures on demand.</summary>
    private sealed class Collector(MeterProvider provider, List<MetricSnapshot> exported)
    {
        public Figures Collect()
        {
            // The exporter appends one snapshot of every instrument per collection; only the newest is wanted.
            lock (exported)
            {
                exported.Clear();
            }

            Assert.True(provider.ForceFlush(10_000), "The meter provider collected.");
            lock (exported)
            {
                return new Figures([.. exported]);
            }
        }
    }

    private sealed class Figures(IReadOnlyList<MetricSnapshot> snapshots)
    {
        public long Sum(string name) => Points(name).Sum(p => p.GetSumLong());

        public long HistogramCount(string name) => Points(name).Sum(p => p.GetHistogramCount());

        // An instrument that never recorded is not exported: it counts as zero.
        private IEnumerable<MetricPoint> Points(string name)
        {
            foreach (var snapshot in snapshots.Where(s => s.Name == name))
            {
                foreach (var point in snapshot.MetricPoints)
                {
                    yield return point;
                }
            }
        }
    }
}
