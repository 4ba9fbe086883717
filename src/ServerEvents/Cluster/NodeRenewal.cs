using Microsoft.Extensions.Logging;

namespace ServerEvents.Cluster;

/// <summary>
/// The life of this node's registration in a shared-store tier: registered once before the app takes requests (so its
/// first subscriptions can be pulsed), renewed every interval while the process runs, and removed on a clean stop.
/// A renewal that fails with an outage of the store is logged and tried again at the next tick: the registration stays
/// alive as long as one renewal within the node timeout succeeds, and lapses on its own when the node dies. The tier
/// supplies the store's calls and says which failures are outages.
/// </summary>
public sealed partial class NodeRenewal : IDisposable
{
    private readonly string _nodeId;
    private readonly TimeSpan _interval;
    private readonly Func<CancellationToken, Task> _renew;
    private readonly Func<CancellationToken, Task> _remove;
    private readonly Func<Exception, bool> _isOutage;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Creates the renewal; nothing is called before <see cref="StartAsync"/>.</summary>
    /// <param name="nodeId">This node's id, for the log.</param>
    /// <param name="interval">How often the registration is renewed.</param>
    /// <param name="renew">Registers the node, or renews its registration.</param>
    /// <param name="remove">Removes the node's registration.</param>
    /// <param name="isOutage">Whether a failure of either call is the store being away, which the node rides out.</param>
    /// <param name="logger">The tier's logger.</param>
    public NodeRenewal(
        string nodeId,
        TimeSpan interval,
        Func<CancellationToken, Task> renew,
        Func<CancellationToken, Task> remove,
        Func<Exception, bool> isOutage,
        ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(renew);
        ArgumentNullException.ThrowIfNull(remove);
        ArgumentNullException.ThrowIfNull(isOutage);
        ArgumentNullException.ThrowIfNull(logger);
        _nodeId = nodeId;
        _interval = interval;
        _renew = renew;
        _remove = remove;
        _isOutage = isOutage;
        _logger = logger;
    }

    /// <summary>Registers the node, failing when the store cannot be reached, then renews in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _renew(cancellationToken).ConfigureAwait(false);
        _loop = RenewPeriodicallyAsync(_stopping.Token);
    }

    /// <summary>Stops renewing, then removes the registration; when the store is away it lapses on its own.</summary>
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
            await _remove(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_isOutage(ex) || ex is OperationCanceledException)
        {
            LogRemoveFailed(_logger, ex, _nodeId);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private async Task RenewPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await _renew(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (_isOutage(ex))
                {
                    LogRenewFailed(_logger, ex, _nodeId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not renew the registration of node {NodeId}", EventName = "RenewFailed")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(2, LogLevel.Warning, "Could not remove the registration of node {NodeId}; it lapses on its own", EventName = "RemoveFailed")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string nodeId);
}
