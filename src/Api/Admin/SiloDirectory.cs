using Orleans;
using Orleans.Runtime;

namespace ServerEvents.Api.Admin;

/// <summary>
/// The Orleans silos, from the cluster's membership table through the management grain, when this front-end is an
/// Orleans client; nothing on the embedded and PostgreSQL tiers, whose nodes are the front-ends themselves.
/// </summary>
internal sealed class SiloDirectory(IServiceProvider services)
{
    private readonly IClusterClient? _client = services.GetService<IClusterClient>();

    /// <summary>Every silo the membership table lists, dead ones included (the dashboard shows their status).</summary>
    public async Task<IReadOnlyList<SiloEntry>> GetAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            return [];
        }

        var hosts = await _client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. hosts.OrderBy(h => h.SiloName, StringComparer.Ordinal).Select(h => new SiloEntry(h.SiloAddress.ToString(), h.SiloName, h.Status.ToString()))];
    }
}
