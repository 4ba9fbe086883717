using Microsoft.Extensions.Logging;

namespace ServerEvents.Client;

/// <summary>
/// Posts to the heartbeat URL at the interval the server announced, for the life of one connection. The server
/// answers each heartbeat by pushing <c>cmd.onHeartbeat</c> down the stream, which is what keeps the idle check quiet.
/// </summary>
internal sealed class HeartbeatLoop(AuthorizedSender http, Uri heartbeatUrl, TimeSpan interval, ILogger logger)
{
    /// <summary>Runs until cancelled; returns the failure when a heartbeat is refused or cannot be sent.</summary>
    public async Task<Exception?> RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                using var response = await http.PostAsync(heartbeatUrl, content: null, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    // 404 means the server no longer knows the subscription (expired or reset): only a new stream helps.
                    return new HttpRequestException($"Heartbeat to {heartbeatUrl} answered {(int)response.StatusCode}.", null, response.StatusCode);
                }

                Log.HeartbeatSent(logger, heartbeatUrl);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The connection ended.
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // A network failure, or HttpClient.Timeout elapsed.
            return ex;
        }

        return null;
    }
}
