using ServerEvents.Grains.Events;
using ServerEvents.Grains.Hosting;

namespace Orleans.Hosting;

/// <summary>Adds what the server-events grains need to a silo.</summary>
public static class ServerEventsSiloBuilderExtensions
{
    /// <summary>
    /// Adds the fan-out stream provider (<see cref="OrleansNames.StreamProvider"/>), whose agent polls its queue every
    /// <paramref name="pollPeriod"/> (<see cref="FanOutStream.DefaultPollPeriod"/> when null) and hands each front-end
    /// up to <see cref="FanOutStream.DeliveryBatch"/> messages per call. The host must also add
    /// grain storage named <see cref="OrleansNames.GrainStorage"/> and <see cref="OrleansNames.PubSubStore"/>.
    /// </summary>
    public static ISiloBuilder AddServerEventsGrains(this ISiloBuilder silo, TimeSpan? pollPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var period = pollPeriod ?? FanOutStream.DefaultPollPeriod;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero, nameof(pollPeriod));
        return silo.AddMemoryStreams(OrleansNames.StreamProvider, stream =>
        {
            stream.ConfigurePartitioning(FanOutStream.Queues);
            stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.GetQueueMsgsTimerPeriod = period;
                o.BatchContainerBatchSize = FanOutStream.DeliveryBatch;
            }));
        });
    }
}
