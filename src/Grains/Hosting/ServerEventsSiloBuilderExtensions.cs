using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerEvents.Grains.Events;
using ServerEvents.Grains.Hosting;

namespace Orleans.Hosting;

/// <summary>Adds what the server-events grains need to a silo.</summary>
public static class ServerEventsSiloBuilderExtensions
{
    /// <summary>
    /// Adds the fan-out stream provider (<see cref="OrleansNames.StreamProvider"/>), whose agent polls its queue every
    /// <see cref="FanOutOptions.PollPeriod"/> and hands each front-end up to <see cref="FanOutStream.DeliveryBatch"/>
    /// messages per call, and the log's <see cref="FanOutOptions"/>. The host must also add grain storage named
    /// <see cref="OrleansNames.GrainStorage"/> and <see cref="OrleansNames.PubSubStore"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The poll period is not positive, the spacing negative or the call items fewer than one.</exception>
    public static ISiloBuilder AddServerEventsGrains(this ISiloBuilder silo, Action<FanOutOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = new FanOutOptions();
        configure?.Invoke(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PollPeriod, TimeSpan.Zero, nameof(FanOutOptions.PollPeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ObserverCallSpacing, TimeSpan.Zero, nameof(FanOutOptions.ObserverCallSpacing));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ObserverCallItems, 1, nameof(FanOutOptions.ObserverCallItems));
        silo.Services.AddSingleton(Options.Create(options));
        return silo.AddMemoryStreams(OrleansNames.StreamProvider, stream =>
        {
            stream.ConfigurePartitioning(FanOutStream.Queues);
            stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.GetQueueMsgsTimerPeriod = options.PollPeriod;
                o.BatchContainerBatchSize = FanOutStream.DeliveryBatch;
            }));
        });
    }
}
