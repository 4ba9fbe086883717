using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServerEvents.Cluster;

namespace ServerEvents.Diagnostics;

/// <summary>Healthy while the cluster tier answers.</summary>
public sealed class ClusterTierHealthCheck(IClusterTier cluster) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await cluster.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{cluster.GetType().Name} is reachable.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"{cluster.GetType().Name} is unreachable: {ex.Message}", ex);
        }
    }
}
