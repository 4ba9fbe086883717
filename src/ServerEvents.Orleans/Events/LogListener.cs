using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using ServerEvents.Cluster;
using ServerEvents.Delivery;
using ServerEvents.Diagnostics;
using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Events;

/// <summary>
/// This front-end's end of the fan-out: one subscription to the log's broadcast stream (per node, not per connection)
/// whose batches are handed to the attached sinks one item at a time, in position order and without holes. Streams
/// are not a durability guarantee, so the stream is only the fast path: a batch that arrives ahead of its turn is held
/// for a moment for the ones before it (<see cref="HeldBatches"/>; observer calls arrive out of order) and then, or at
/// once for a watermark (the tick's committed position) past what was handed over, the gap is read from the log; and when
/// the stream stays silent past <see cref="OrleansClusterOptions.StreamSilenceTimeout"/> (the sequencer ticks every
/// second), the node catches up from the log at once and makes its subscription again in the background: a
/// subscription is a call to the stream's pub-sub grain, which may be on the silo that just died and hold the call for
/// Orleans' whole response timeout, and the log must not wait for that.
/// <para>
/// With <see cref="FanOutTransport.Observers"/> the batches come to this listener as a grain observer registered with
/// the log grain instead (<see cref="ObserverFanOutSubscription"/>); the rest is the same.
/// </para>
/// </summary>
public sealed partial class LogListener : IHostedService, IAsyncDisposable, IAsyncObserver<LogBatch>, ILogBatchObserver
{
    private const int CatchUpBatch = 1000;

    // Made at first use: a client resolves a grain interface to its grain type only once it has connected to the
    // cluster, which is after the host has constructed this.
    private readonly Lazy<IEventLogGrain> _log;
    private readonly IFanOutSubscription _fanOut;
    private readonly OrleansClusterOptions _options;
    private readonly ServerEventsMetrics _metrics;
    private readonly ILogger<LogListener> _logger;
    private readonly AttachedSinks _sinks;
    private readonly Channel<LogBatch> _inbox = Channel.CreateUnbounded<LogBatch>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HeldBatches _held;
    private readonly CancellationTokenSource _stopping = new();
    private Task _resubscribing = Task.CompletedTask;
    private Task? _loop;
    private long _epoch;
    private long _lastHeard;
    private int _resubscriptions;
    private int _disposed;

    /// <summary>Creates the listener.</summary>
    public LogListener(IClusterClient client, IOptions<OrleansClusterOptions> options, ServerEventsMetrics metrics, ILogger<LogListener> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _options = options.Value;
        _log = new(() => client.GetGrain<IEventLogGrain>(_options.Scope));
        _logger = logger;
        _fanOut = _options.FanOutTransport == FanOutTransport.Observers
            ? new ObserverFanOutSubscription(client, _log, this, SilenceCheckPeriod, logger)
            : new StreamFanOutSubscription(client, _options.Scope, this, logger);
        _sinks = new AttachedSinks(logger);
        _held = new HeldBatches(_options.FanOutReorderWindow, TimeProvider.System);
    }

    /// <summary>How many times the stream subscription was found lost and made again.</summary>
    public int Resubscriptions => Volatile.Read(ref _resubscriptions);

    /// <summary>The epoch of the log whose positions this listener hands to the sinks; 0 before it has started.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>The last position handed to the sinks.</summary>
    public long Dispatched => _sinks.Dispatched;

    // How often silence is checked for and, with observers, the registration renewed: a third of the allowed silence.
    private TimeSpan SilenceCheckPeriod => TimeSpan.FromTicks(Math.Max(_options.StreamSilenceTimeout.Ticks / 3, TimeSpan.FromMilliseconds(50).Ticks));

    /// <summary>Attaches a sink; callable before the listener has started.</summary>
    public IDisposable Attach(IClusterEventSink sink) => _sinks.Attach(sink);

    /// <summary>Subscribes, then reads the head, so nothing committed between the two is missed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _fanOut.SubscribeAsync(cancellationToken).ConfigureAwait(false);
        var head = await _log.Value.GetHeadAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _epoch = head.Epoch;
        _sinks.Start(head.Newest);

        _lastHeard = TimeProvider.System.GetTimestamp();
        LogListening(_options.Scope, head.Newest);
        _loop = RunAsync(_stopping.Token);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _resubscribing.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _fanOut.UnsubscribeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <inheritdoc />
    Task IAsyncObserver<LogBatch>.OnNextAsync(LogBatch item, StreamSequenceToken? token)
    {
        _inbox.Writer.TryWrite(item);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task ILogBatchObserver.OnBatchAsync(LogBatch batch)
    {
        _inbox.Writer.TryWrite(batch);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    Task IAsyncObserver<LogBatch>.OnCompletedAsync() => Task.CompletedTask;

    /// <inheritdoc />
    Task IAsyncObserver<LogBatch>.OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, _options.Scope);
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var check = SilenceCheckPeriod;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!_inbox.Reader.TryRead(out var batch))
                {
                    // Waits for the next batch, or until the held batches are overdue or the silence is checked.
                    var timeout = _held.Count > 0 ? _held.Remaining : check;
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    wait.CancelAfter(timeout);
                    try
                    {
                        batch = await _inbox.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                    }
                }

                if (batch is not null)
                {
                    _lastHeard = TimeProvider.System.GetTimestamp();
                    await HandleAsync(batch).ConfigureAwait(false);
                }

                if (_held.IsOverdue)
                {
                    // What the held batches wait for did not come within the window (checked after a batch too, since
                    // while batches keep coming the wait for one never times out): read it from the log.
                    await HandleHeldAsync().ConfigureAwait(false);
                }
                else if (batch is null && _held.Count == 0 && TimeProvider.System.GetElapsedTime(_lastHeard) > _options.StreamSilenceTimeout)
                {
                    await RecoverAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The cluster is away: the silence check tries again, so nothing is lost, only late.
                LogCatchUpFailed(ex, _options.Scope, Dispatched);
                _lastHeard = TimeProvider.System.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// The stream went silent: catch up to the log's head, then (unless that is still under way from the last silence)
    /// subscribe again in the background.
    /// </summary>
    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        _lastHeard = TimeProvider.System.GetTimestamp();
        var head = await _log.Value.GetHeadAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
        var missed = await HandleAsync(head).ConfigureAwait(false);
        var resubscribing = !_resubscribing.IsCompleted;
        LogSilent(_options.Scope, missed, resubscribing ? "still subscribing again" : "subscribing again");
        if (!resubscribing)
        {
            _resubscribing = ResubscribeAsync(stoppingToken);
        }
    }

    /// <summary>
    /// Subscribes anew without a moment with no subscription (<see cref="IFanOutSubscription.ResubscribeAsync"/>). A
    /// failure is logged; the next silence tries again.
    /// </summary>
    private async Task ResubscribeAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await _fanOut.ResubscribeAsync(stoppingToken).ConfigureAwait(false);
            Interlocked.Increment(ref _resubscriptions);
            _metrics.FanOutResubscribed(OrleansClusterTier.TierName);
            LogResubscribed(_options.Scope);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogResubscribeFailed(ex, _options.Scope);
        }
    }

    /// <summary>
    /// Hands over a batch's items in turn, then every held batch whose turn that brings; a batch ahead of its turn is
    /// held (<see cref="HeldBatches"/>) while the ones before it may still come.
    /// </summary>
    private async Task<int> HandleAsync(LogBatch batch)
    {
        if (batch.Epoch != _epoch)
        {
            // The log was created anew (its storage was lost): its positions start again, so continue from there.
            var restart = batch.Items.Count > 0 ? batch.Items[0].Position - 1 : batch.Newest;
            LogNewEpoch(_options.Scope, _epoch, batch.Epoch, Dispatched, restart);
            _epoch = batch.Epoch;
            _sinks.RewindTo(restart);
            _held.Clear();
        }

        if (batch.Items.Count > 0 && batch.Items[0].Position > Dispatched + 1 && _held.TryHold(batch))
        {
            return 0;
        }

        var handed = await HandleInTurnAsync(batch).ConfigureAwait(false);
        while (_held.TryTakeInTurn(Dispatched, out var next))
        {
            handed += await HandleInTurnAsync(next).ConfigureAwait(false);
        }

        return handed;
    }

    /// <summary>The held batches waited long enough: reads what lies before the first of them from the log, then hands them over.</summary>
    private async Task HandleHeldAsync()
    {
        _metrics.FanOutGap(OrleansClusterTier.TierName);
        try
        {
            await CatchUpAsync(_held.FirstPosition - 1).ConfigureAwait(false);
        }
        catch
        {
            // The log cannot be read now (the cluster is away). What is held is in the log too: the next batch, tick
            // or silence check reads it, rather than this retrying every few milliseconds.
            _held.Clear();
            throw;
        }

        while (_held.TryTakeInTurn(Dispatched, out var next))
        {
            await HandleInTurnAsync(next).ConfigureAwait(false);
        }
    }

    private async Task<int> HandleInTurnAsync(LogBatch batch)
    {
        var handed = 0;
        foreach (var item in batch.Items)
        {
            if (item.Position <= Dispatched)
            {
                continue;
            }

            if (item.Position > Dispatched + 1)
            {
                _metrics.FanOutGap(OrleansClusterTier.TierName);
                handed += await CatchUpAsync(item.Position - 1).ConfigureAwait(false);
            }

            if (item.Position == Dispatched + 1)
            {
                Dispatch(item);
                handed++;
            }
        }

        if (batch.Newest > Dispatched)
        {
            _metrics.FanOutGap(OrleansClusterTier.TierName);
            handed += await CatchUpAsync(batch.Newest).ConfigureAwait(false);
        }

        return handed;
    }

    /// <summary>Hands over every logged item after the last one handed over, through <paramref name="through"/>.</summary>
    private async Task<int> CatchUpAsync(long through)
    {
        var handed = 0;
        while (Dispatched < through)
        {
            var read = await _log.Value.ReadItemsAsync(Dispatched, CatchUpBatch).ConfigureAwait(false);
            if (read.Items.Count == 0)
            {
                break;
            }

            foreach (var item in read.Items)
            {
                if (item.Position <= Dispatched)
                {
                    continue;
                }

                // Past the next position only when retention removed what lies between; the sinks log that.
                Dispatch(item);
                handed++;
            }
        }

        _metrics.FanOutCaughtUp(OrleansClusterTier.TierName, handed);
        return handed;
    }

    private void Dispatch(LogItem item)
    {
        if (item.Event is { } logged)
        {
            _sinks.Deliver(item.ToClusterEvent(logged));
        }
        else if (item.Signal is { } signal)
        {
            _sinks.Signal(item.Position, signal.ToClusterSignal());
        }
        else
        {
            // A void (a position handed out but never stored) is stepped over.
            _sinks.Skip(item.Position);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Listening to the log of {Scope} from position {Position}", EventName = "Listening")]
    private partial void LogListening(string scope, long position);

    [LoggerMessage(2, LogLevel.Warning, "The fan-out of {Scope} went silent; caught up {Missed} items from the log, {Subscription}", EventName = "StreamSilent")]
    private partial void LogSilent(string scope, int missed, string subscription);

    [LoggerMessage(9, LogLevel.Information, "Subscribed to the fan-out stream of {Scope} again", EventName = "Resubscribed")]
    private partial void LogResubscribed(string scope);

    [LoggerMessage(10, LogLevel.Warning, "Could not subscribe to the fan-out stream of {Scope} again; the next silence tries again", EventName = "ResubscribeFailed")]
    private partial void LogResubscribeFailed(Exception exception, string scope);

    [LoggerMessage(3, LogLevel.Warning, "Could not catch up with the log of {Scope} after position {Position}; trying again", EventName = "CatchUpFailed")]
    private partial void LogCatchUpFailed(Exception exception, string scope, long position);

    [LoggerMessage(6, LogLevel.Error, "The log of {Scope} has a new epoch ({OldEpoch} -> {NewEpoch}); continuing from position {Restart} instead of {Position}", EventName = "NewEpoch")]
    private partial void LogNewEpoch(string scope, long oldEpoch, long newEpoch, long position, long restart);

    [LoggerMessage(7, LogLevel.Warning, "The fan-out stream of {Scope} reported an error", EventName = "StreamError")]
    private partial void LogStreamError(Exception exception, string scope);

    // Event id 8 is StreamFanOutSubscription's.
}
