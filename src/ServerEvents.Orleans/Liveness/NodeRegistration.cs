using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerEvents.Grains.Nodes;
using ServerEvents.Hosting;

namespace ServerEvents.Orleans.Liveness;

/// <summary>
/// Keeps this front-end registered as alive while the process runs, and removes it on a clean stop. When a front-end
/// dies, its registration lapses after <see cref="OrleansClusterOptions.NodeTimeout"/>; heartbeats for its
/// subscriptions (which may reach any other front-end) are then refused, and the survivors' idle sweeps expire them
/// with their leave notices.
/// </summary>
public sealed partial class NodeRegistration : IHostedService, IDisposable
{
    // Made at first use: a client resolves a grain interface to its grain type only once it has connected to the
    // cluster, which is after the host has constructed this.
    private readonly Lazy<INodeRegistryGrain> _registry;
    private readonly ServerEventsNode _node;
    private readonly OrleansClusterOptions _options;
    private readonly ILogger<NodeRegistration> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Creates the registration.</summary>
    public NodeRegistration(IClusterClient client, ServerEventsNode node, IOptions<OrleansClusterOptions> options, ILogger<NodeRegistration> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _registry = new(() => client.GetGrain<INodeRegistryGrain>(_options.Scope));
        _node = node;
        _logger = logger;
    }

    /// <summary>Registers the node before the app takes requests, so its first subscriptions can be pulsed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _registry.Value.RenewAsync(_node.Id, _options.NodeTimeout).WaitAsync(cancellationToken).ConfigureAwait(false);
        _loop = RenewPeriodicallyAsync(_stopping.Token);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        try
        {
            await _registry.Value.RemoveAsync(_node.Id).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClusterCall.IsOutage(ex) || ex is OperationCanceledException)
        {
            // The registration lapses on its own.
            LogRenewFailed(ex, _node.Id);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task RenewPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.NodeRenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await _registry.Value.RenewAsync(_node.Id, _options.NodeTimeout).ConfigureAwait(false);
                }
                catch (Exception ex) when (ClusterCall.IsOutage(ex))
                {
                    LogRenewFailed(ex, _node.Id);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not renew the registration of node {NodeId}", EventName = "RenewFailed")]
    private partial void LogRenewFailed(Exception exception, string nodeId);
}
