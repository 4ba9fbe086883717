using System.Net;

namespace ServerEvents.Api.Tests.Telemetry;

/// <summary>The front-end's Prometheus scrape endpoint: off unless configured, and then the server events meter in text.</summary>
public sealed class PrometheusEndpointTests
{
    [Fact]
    public async Task When_enabled_the_metrics_endpoint_serves_the_server_events_series_as_prometheus_text()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Telemetry:Prometheus:Enabled"] = "true" });
        await server.ServerEvents.NotifyAllAsync("cmd.ping", null);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE serverevents_events_published_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE serverevents_fanout_lag_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("serverevents_fanout_lag_seconds_bucket{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_there_is_no_metrics_endpoint()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Restricted_to_an_internal_port_the_metrics_endpoint_is_not_served_on_the_public_one()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus:Enabled"] = "true",
            // A port the test server never listens on (it takes an ephemeral one), standing for the internal one.
            ["Telemetry:Prometheus:Port"] = "1",
        });
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
