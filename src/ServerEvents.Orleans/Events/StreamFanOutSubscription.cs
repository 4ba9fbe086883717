using Microsoft.Extensions.Logging;
using Orleans.Streams;
using ServerEvents.Grains.Events;
using ServerEvents.Grains.Hosting;

namespace ServerEvents.Orleans.Events;

/// <summary>The fan-out through the log's broadcast stream (<see cref="FanOutTransport.Streams"/>): one subscription per front-end.</summary>
internal sealed partial class StreamFanOutSubscription : IFanOutSubscription
{
    // Made at first use: a client initialises its stream providers only once it has connected to the cluster, which
    // is after the host has constructed the listener.
    private readonly Lazy<IAsyncStream<LogBatch>> _stream;
    private readonly IAsyncObserver<LogBatch> _receiver;
    private readonly string _scope;
    private readonly ILogger _logger;
    private StreamSubscriptionHandle<LogBatch>? _subscription;

    /// <summary>Creates the subscription of <paramref name="receiver"/> to the stream of <paramref name="scope"/>'s log; not yet subscribed.</summary>
    public StreamFanOutSubscription(IClusterClient client, string scope, IAsyncObserver<LogBatch> receiver, ILogger logger)
    {
        _stream = new(() => client.GetStreamProvider(OrleansNames.StreamProvider).GetStream<LogBatch>(FanOutStream.Id(scope)));
        _receiver = receiver;
        _scope = scope;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task SubscribeAsync(CancellationToken cancellationToken) =>
        _subscription = await _stream.Value.SubscribeAsync(_receiver).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task ResubscribeAsync(CancellationToken cancellationToken)
    {
        // Both delivering for a while only repeats positions, which the listener skips.
        var old = _subscription;
        _subscription = await _stream.Value.SubscribeAsync(_receiver).WaitAsync(cancellationToken).ConfigureAwait(false);
        await UnsubscribeAsync(old).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync()
    {
        var subscription = _subscription;
        _subscription = null;
        return UnsubscribeAsync(subscription);
    }

    private async Task UnsubscribeAsync(StreamSubscriptionHandle<LogBatch>? subscription)
    {
        if (subscription is not null)
        {
            try
            {
                await subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A subscription on a silo that is gone cannot be removed and is dropped with the silo.
                LogUnsubscribeFailed(ex, _scope);
            }
        }
    }

    [LoggerMessage(8, LogLevel.Debug, "Could not remove the old stream subscription of {Scope}", EventName = "UnsubscribeFailed")]
    private partial void LogUnsubscribeFailed(Exception exception, string scope);
}
