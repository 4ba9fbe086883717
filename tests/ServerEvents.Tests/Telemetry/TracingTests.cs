using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using ServerEvents.Cluster;
using ServerEvents.Diagnostics;

namespace ServerEvents.Tests.Telemetry;

/// <summary>One publish is one trace: the HTTP request, the publish, the tier's append and the node's delivery.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TracingTests
{
    [Fact]
    public async Task A_publish_over_http_is_one_trace_from_the_request_through_the_tier_to_the_delivery()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new List<Activity>();
        var requestEnded = new SpanWaiter(s => s.TraceId == traceId && s.Kind == ActivityKind.Server);
        await using var server = await LoopbackServer.StartAsync(
            build: builder => builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(ServerEventsTracing.ActivitySourceName)
                .AddInMemoryExporter(spans)
                .AddProcessor(requestEnded)),
            map: app => app.MapPost("/publish/{channel}", (string channel, IServerEvents events, CancellationToken ct) =>
                events.NotifyChannelAsync(channel, "cmd.chat", new { text = "hi" }, ct)));
        using var client = server.CreateClient(new TestUser("1", "ann", "Ann"));
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=room", heartbeat: false);

        // The caller's trace context, as a browser or a gateway would send it: everything below joins this trace.
        using var request = new HttpRequestMessage(HttpMethod.Post, "publish/room");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var eventId = long.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
        var delivered = await stream.WaitForAsync("room@cmd.chat");
        await requestEnded.Ended;

        var trace = Snapshot(spans).Where(s => s.TraceId == traceId).ToList();
        var httpRequest = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        var publish = Assert.Single(trace, s => s.OperationName == ServerEventsTracing.PublishSpan);
        var append = Assert.Single(trace, s => s.OperationName == ServerEventsTracing.AppendSpan);
        var deliver = Assert.Single(trace, s => s.OperationName == ServerEventsTracing.DeliverSpan);

        Assert.Equal(httpRequest.SpanId, publish.ParentSpanId);
        Assert.Equal(publish.SpanId, append.ParentSpanId);
        Assert.Equal(publish.SpanId, deliver.ParentSpanId);
        Assert.True(httpRequest.StartTimeUtc <= publish.StartTimeUtc, "The publish starts inside the request.");
        Assert.True(publish.StartTimeUtc <= append.StartTimeUtc, "The append starts inside the publish.");
        Assert.True(append.StartTimeUtc <= deliver.StartTimeUtc, "The delivery starts after the append took the event.");

        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal(ActivityKind.Consumer, deliver.Kind);
        Assert.Equal("room", publish.GetTagItem("messaging.destination.name"));
        Assert.Equal("room@cmd.chat", publish.GetTagItem("serverevents.selector"));
        Assert.Equal(EmbeddedTier, append.GetTagItem(ServerEventsMetrics.TierAttribute));
        Assert.Equal(eventId, delivered.EventId);
        Assert.Equal(eventId, publish.GetTagItem("messaging.message.id"));
        Assert.Equal(eventId, deliver.GetTagItem("messaging.message.id"));
        Assert.Equal(1, deliver.GetTagItem("serverevents.recipients"));
    }

    [Fact]
    public async Task Without_a_listener_no_trace_context_travels_with_the_event()
    {
        await using var server = await LoopbackServer.StartAsync();
        var sink = new RecordingSink();
        using var attachment = server.Services.GetRequiredService<IClusterTier>().Events.Attach(sink);

        var id = await server.ServerEvents.NotifyChannelAsync("room", "cmd.chat", new { text = "hi" });

        var received = Assert.Single(sink.Events, e => e.Id == id);
        Assert.Null(received.TraceParent);
    }

    [Fact]
    public async Task The_event_carries_its_publish_span_to_the_delivery_span()
    {
        var spans = new List<Activity>();
        var published = new SpanWaiter(s => s.OperationName == ServerEventsTracing.PublishSpan && s.GetTagItem("serverevents.selector") is "ops@cmd.onJoin");
        await using var server = await LoopbackServer.StartAsync(
            // With the request traced too: under the default parent-based sampler an unsampled request drops its spans.
            build: builder => builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddSource(ServerEventsTracing.ActivitySourceName)
                .AddInMemoryExporter(spans)
                .AddProcessor(published)));
        var sink = new RecordingSink();
        using var attachment = server.Services.GetRequiredService<IClusterTier>().Events.Attach(sink);
        using var client = server.CreateClient(new TestUser("2", "bob", "Bob"));
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=ops", heartbeat: false);

        // The join notice, published by the stream's own request: the tier hands every node the publish's context.
        // The publish ends after the tier returns, so after the embedded tier's delivery.
        var publish = await published.Ended;
        var deliver = Assert.Single(Snapshot(spans), s => s.OperationName == ServerEventsTracing.DeliverSpan && s.ParentSpanId == publish.SpanId);
        Assert.Equal(publish.TraceId, deliver.TraceId);
        await sink.WaitForAsync(items => items.OfType<ClusterEvent>().Any(e => e.Selector == "ops@cmd.onJoin"));
        var carried = Assert.Single(sink.Events, e => e.Selector == "ops@cmd.onJoin");
        Assert.Equal(publish.Id, carried.TraceParent);
    }

    private const string EmbeddedTier = "embedded";

    // Spans from other requests of the server may still be exported while the test reads.
    private static List<Activity> Snapshot(List<Activity> spans) => [.. spans.ToArray()];
}
