using Microsoft.Extensions.Logging;
using ServerEvents.Cluster;
using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Events;

/// <summary>
/// The fan-out through a grain observer (<see cref="FanOutTransport.Observers"/>): one observer per front-end,
/// registered with the log grain, which calls it once per batch. A registration is not durable (a new activation of the
/// log, on another silo after a failure, starts with none) and lapses unless renewed, so it is renewed every
/// <c>renewal</c> for a lease three times as long, the way a node's liveness registration is
/// (<see cref="NodeRenewal"/>): a lost registration costs at most one renewal period, after which the watermark of the
/// next batch or tick shows the listener what it missed.
/// </summary>
internal sealed class ObserverFanOutSubscription : IFanOutSubscription
{
    private readonly IClusterClient _client;
    private readonly Lazy<IEventLogGrain> _log;
    private readonly ILogBatchObserver _receiver;
    private readonly TimeSpan _renewal;
    private readonly ILogger _logger;
    private ILogBatchObserver? _reference;
    private NodeRenewal? _registration;

    /// <summary>Creates the registration of <paramref name="receiver"/> with <paramref name="log"/>, renewed every <paramref name="renewal"/>; not yet registered.</summary>
    public ObserverFanOutSubscription(IClusterClient client, Lazy<IEventLogGrain> log, ILogBatchObserver receiver, TimeSpan renewal, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(renewal, TimeSpan.Zero);
        _client = client;
        _log = log;
        _receiver = receiver;
        _renewal = renewal;
        _logger = logger;
    }

    private TimeSpan Lease => _renewal * 3;

    /// <inheritdoc />
    public async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        // The client holds the object only weakly; the listener, a singleton, is the strong reference.
        var reference = _reference ??= _client.CreateObjectReference<ILogBatchObserver>(_receiver);

        // Every failure but a stop is ridden out: a registration that could not be renewed lapses, the listener hears
        // silence and subscribes again.
        var registration = new NodeRenewal(
            reference.GetGrainId().ToString(),
            _renewal,
            token => _log.Value.RegisterObserverAsync(reference, Lease).WaitAsync(token),
            token => _log.Value.UnregisterObserverAsync(reference).WaitAsync(token),
            exception => exception is not OperationCanceledException,
            _logger);
        try
        {
            await registration.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            registration.Dispose();
            throw;
        }

        _registration = registration;
    }

    /// <inheritdoc />
    public async Task ResubscribeAsync(CancellationToken cancellationToken)
    {
        if (_registration is null || _reference is not { } reference)
        {
            await SubscribeAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // Registering is idempotent: this renews the registration, or makes it anew in a new activation of the log.
        await _log.Value.RegisterObserverAsync(reference, Lease).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task UnsubscribeAsync()
    {
        if (_registration is { } registration)
        {
            _registration = null;

            // Within a lease: a log grain on a silo that is gone took the registration with it, and one that cannot be
            // reached only calls a reference deleted below until the lease runs out.
            using var timeout = new CancellationTokenSource(Lease);
            await registration.StopAsync(timeout.Token).ConfigureAwait(false);
            registration.Dispose();
        }

        if (_reference is { } reference)
        {
            _reference = null;
            _client.DeleteObjectReference<ILogBatchObserver>(reference);
        }
    }
}
