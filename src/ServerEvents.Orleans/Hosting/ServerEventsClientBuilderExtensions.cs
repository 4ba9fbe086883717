using ServerEvents.Grains.Events;
using ServerEvents.Grains.Hosting;

namespace Orleans.Hosting;

/// <summary>Adds what a front-end needs to hear the server-events fan-out.</summary>
public static class ServerEventsClientBuilderExtensions
{
    /// <summary>Adds the fan-out stream provider (<see cref="OrleansNames.StreamProvider"/>), as the silos have it.</summary>
    public static IClientBuilder AddServerEventsStreams(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.AddMemoryStreams(OrleansNames.StreamProvider, stream => stream.ConfigurePartitioning(FanOutStream.Queues));
    }
}
