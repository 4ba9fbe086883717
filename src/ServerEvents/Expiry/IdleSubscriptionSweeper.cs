using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Expiry;

/// <summary>
/// Expires subscriptions whose last heartbeat is older than the idle timeout, and sends their leave notices,
/// on its own schedule rather than waiting for some other request to notice.
/// </summary>
internal sealed partial class IdleSubscriptionSweeper(
    ServerEventsService serverEvents,
    IOptionsMonitor<ServerEventsOptions> options,
    TimeProvider time,
    ILogger<IdleSubscriptionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.ExpirySweepInterval, time, stoppingToken).ConfigureAwait(false);
                await serverEvents.ExpireIdleAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The cluster tier may be briefly unreachable; the next sweep catches up.
                LogSweepFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expiring idle subscriptions failed")]
    private partial void LogSweepFailed(Exception exception);
}
