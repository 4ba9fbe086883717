using Microsoft.AspNetCore.Http;

namespace ServerEvents.Telemetry;

/// <summary>
/// The Prometheus scraping endpoint (<c>Telemetry:Prometheus</c>). Off by default: the text it serves describes the
/// service's load to anyone who asks, so it belongs on an internal port or behind the ingress, never on the public one.
/// </summary>
internal sealed class PrometheusScrapingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Telemetry:Prometheus";

    /// <summary>Whether <see cref="Path"/> serves the metrics in Prometheus text format.</summary>
    public bool Enabled { get; set; }

    /// <summary>The scrape path.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// When set, the endpoint answers only requests that arrived on this local port (one Kestrel also listens on,
    /// e.g. <c>ASPNETCORE_URLS=http://+:8080;http://+:9464</c>), so the public port never serves it.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>Whether <paramref name="context"/> is a scrape.</summary>
    public bool IsScrape(HttpContext context) =>
        context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase)
        && (Port is null || context.Connection.LocalPort == Port);
}
