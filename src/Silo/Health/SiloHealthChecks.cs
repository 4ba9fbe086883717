using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServerEvents.Silo.Health;

/// <summary>Registers the silo's readiness checks.</summary>
public static class SiloHealthChecks
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The section of <see cref="SiloHealthCheckOptions"/>.</summary>
    public const string SectionName = "Silo:HealthChecks";

    /// <summary>
    /// Adds the readiness checks: this silo is active in the cluster membership, and the storage account answers.
    /// </summary>
    public static IHealthChecksBuilder AddSiloReadiness(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SiloHealthCheckOptions>().BindConfiguration(SectionName);
        return builder
            .AddCheck<SiloMembershipHealthCheck>("orleans-membership", tags: [ReadyTag])
            .AddCheck<StorageHealthCheck>("azure-storage", tags: [ReadyTag]);
    }
}
