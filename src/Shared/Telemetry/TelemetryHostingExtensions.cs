using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ServerEvents.Telemetry;

/// <summary>
/// OpenTelemetry for a host of this repository (compiled into src/Api and src/Silo): metrics and traces, with
/// ASP.NET Core's, exported over OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (protocol, headers
/// and the per-signal endpoints come from the other standard variables), to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (as infra/ sets it), and metrics scraped as Prometheus text when
/// <c>Telemetry:Prometheus:Enabled</c> is set.
/// </summary>
internal static class TelemetryHostingExtensions
{
    /// <summary>
    /// Adds OpenTelemetry for a service named <paramref name="serviceName"/> (or <c>OTEL_SERVICE_NAME</c>), with the
    /// caller's meters and activity sources. With no exporter configured nothing is added, so no listener makes the
    /// instruments record or the spans start for nobody.
    /// </summary>
    public static void AddHostTelemetry(
        this WebApplicationBuilder builder,
        string serviceName,
        Action<MeterProviderBuilder> metrics,
        Action<TracerProviderBuilder> tracing)
    {
        var configuration = builder.Configuration;
        var prometheus = configuration.GetSection(PrometheusScrapingOptions.SectionName).Get<PrometheusScrapingOptions>() ?? new();
        if (!prometheus.Path.StartsWith('/'))
        {
            throw new InvalidOperationException($"{PrometheusScrapingOptions.SectionName}:Path must start with '/'; it is '{prometheus.Path}'.");
        }

        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var applicationInsights = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var azureMonitor = !string.IsNullOrWhiteSpace(applicationInsights);
        if (!otlp && !azureMonitor && !prometheus.Enabled)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : serviceName))
            .WithMetrics(meters =>
            {
                meters.AddAspNetCoreInstrumentation();
                metrics(meters);
                if (prometheus.Enabled)
                {
                    meters.AddPrometheusExporter();
                }

                if (azureMonitor)
                {
                    meters.AddAzureMonitorMetricExporter(options => options.ConnectionString = applicationInsights);
                }
            });

        if (otlp || azureMonitor)
        {
            // Probes and scrapes arrive every few seconds and say nothing about the service's work.
            telemetry.WithTracing(spans =>
            {
                spans.AddAspNetCoreInstrumentation(options => options.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/health") && !(prometheus.Enabled && prometheus.IsScrape(context)));
                tracing(spans);
                if (azureMonitor)
                {
                    spans.AddAzureMonitorTraceExporter(options => options.ConnectionString = applicationInsights);
                }
            });
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        if (prometheus.Enabled)
        {
            builder.Services.AddSingleton<IStartupFilter>(new PrometheusScrapingStartupFilter(prometheus));
        }
    }

    /// <summary>Puts the scrape endpoint first, so the app's own middleware (sessions, rate limits) never sees a scrape.</summary>
    private sealed class PrometheusScrapingStartupFilter(PrometheusScrapingOptions options) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(options.IsScrape);
            next(app);
        };
    }
}
