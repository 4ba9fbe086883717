using Microsoft.Extensions.Hosting;
using ServerEvents.Delivery;

namespace ServerEvents.Hosting;

/// <summary>
/// Ends every stream of this node as soon as it starts stopping, so clients reconnect (with Last-Event-ID) to
/// another node while this one drains; one registration for the node rather than one per stream.
/// </summary>
internal sealed class StreamShutdown(IHostApplicationLifetime lifetime, SubscriptionRegistry registry) : IHostedService, IDisposable
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.UnsafeRegister(static state => ((SubscriptionRegistry)state!).CloseAll(), registry);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration.Dispose();
}
