using Microsoft.Extensions.Hosting;
using ServerEvents.Cluster;
using ServerEvents.Delivery;

namespace ServerEvents.Hosting;

/// <summary>Attaches this node's dispatcher to the cluster tier's fan-out for the lifetime of the app.</summary>
internal sealed class FanOutAttachment(IClusterTier cluster, LocalEventDispatcher dispatcher) : IHostedService
{
    private IDisposable? _attachment;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _attachment = cluster.Events.Attach(dispatcher);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _attachment?.Dispose();
        return Task.CompletedTask;
    }
}
