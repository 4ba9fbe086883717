using ServerEvents.Diagnostics;
using ServerEvents.Telemetry;

namespace ServerEvents.Api.Telemetry;

/// <summary>OpenTelemetry for the front-end.</summary>
internal static class ApiTelemetryExtensions
{
    /// <summary>The service name reported when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string ServiceName = "server-events-api";

    /// <summary>
    /// Exports the server events meter and spans, ASP.NET Core's, and the cluster tier clients' (Npgsql's and the Orleans
    /// client's own meters and sources), see <see cref="TelemetryHostingExtensions.AddHostTelemetry"/>.
    /// </summary>
    public static WebApplicationBuilder AddApiTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddHostTelemetry(
            ServiceName,
            metrics => metrics.AddMeter(ServerEventsMetrics.MeterName, "Npgsql", "Microsoft.Orleans"),
            tracing => tracing.AddSource(ServerEventsTracing.ActivitySourceName, "Npgsql", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"));
        return builder;
    }
}
