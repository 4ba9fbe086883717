using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Grains.Nodes;
using ServerEvents.Hosting;

namespace ServerEvents.Orleans.Liveness;

/// <summary>
/// Keeps this front-end registered as alive while the process runs, and removes it on a clean stop. When a front-end
/// dies, its registration lapses after <see cref="OrleansClusterOptions.NodeTimeout"/>; heartbeats for its
/// subscriptions (which may reach any other front-end) are then refused, and the survivors' idle sweeps expire them
/// with their leave notices.
/// </summary>
public sealed class NodeRegistration : IHostedService, IDisposable
{
    private readonly NodeRenewal _renewal;

    /// <summary>Creates the registration.</summary>
    public NodeRegistration(IClusterClient client, ServerEventsNode node, IOptions<OrleansClusterOptions> options, ILogger<NodeRegistration> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;

        // Made at first use: a client resolves a grain interface to its grain type only once it has connected to the
        // cluster, which is after the host has constructed this.
        var registry = new Lazy<INodeRegistryGrain>(() => client.GetGrain<INodeRegistryGrain>(settings.Scope));
        _renewal = new NodeRenewal(
            node.Id,
            settings.NodeRenewInterval,
            cancellationToken => registry.Value.RenewAsync(node.Id, settings.NodeTimeout).WaitAsync(cancellationToken),
            cancellationToken => registry.Value.RemoveAsync(node.Id).WaitAsync(cancellationToken),
            ClusterCall.IsOutage,
            logger);
    }

    /// <summary>Registers the node before the app takes requests, so its first subscriptions can be pulsed.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _renewal.StartAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _renewal.StopAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _renewal.Dispose();
}
