using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServerEvents.Silo.Health;

/// <summary>Healthy while this silo is <see cref="SiloStatus.Active"/> in its view of the cluster membership.</summary>
internal sealed class SiloMembershipHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"{silo.SiloAddress} is active in cluster {silo.ClusterId}.")
            : HealthCheckResult.Unhealthy($"{silo.SiloAddress} is {status} in cluster {silo.ClusterId}."));
    }
}
