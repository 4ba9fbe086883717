using ServerEvents.Telemetry;

namespace ServerEvents.Silo.Telemetry;

/// <summary>OpenTelemetry for the silo.</summary>
internal static class SiloTelemetryExtensions
{
    /// <summary>The service name reported when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    public const string ServiceName = "server-events-silo";

    /// <summary>
    /// Exports Orleans' own meter and spans (grain calls, with the caller's trace context: see
    /// <c>AddActivityPropagation</c> in the silo's hosting) and ASP.NET Core's, see <see cref="TelemetryHostingExtensions.AddHostTelemetry"/>.
    /// </summary>
    public static WebApplicationBuilder AddSiloTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddHostTelemetry(
            ServiceName,
            metrics => metrics.AddMeter("Microsoft.Orleans"),
            tracing => tracing.AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"));
        return builder;
    }
}
