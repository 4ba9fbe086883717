using ServerEvents.Grains.Hosting;

namespace Orleans.Hosting;

/// <summary>Adds what the server-events grains need to a silo.</summary>
public static class ServerEventsSiloBuilderExtensions
{
    /// <summary>
    /// Adds the fan-out stream provider (<see cref="OrleansNames.StreamProvider"/>). The host must also add grain
    /// storage named <see cref="OrleansNames.GrainStorage"/> and <see cref="OrleansNames.PubSubStore"/>.
    /// </summary>
    public static ISiloBuilder AddServerEventsGrains(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.AddMemoryStreams(OrleansNames.StreamProvider);
    }
}
