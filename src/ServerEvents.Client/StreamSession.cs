using System.Net.ServerSentEvents;
using Microsoft.Extensions.Logging;

namespace ServerEvents.Client;

/// <summary>Where a connection resumes: the last event id and the epoch of the log that issued it, when the server sent one.</summary>
internal sealed record ResumeFrom(string LastEventId, string? Epoch);

/// <summary>How one connection ended.</summary>
internal readonly record struct SessionEnd(ReconnectReason Reason, Exception? Error);

/// <summary>
/// Opens the event stream, reads it frame by frame on one loop, and watches it: heartbeats run alongside from
/// <c>cmd.onConnect</c> on, and a silence longer than the announced idle timeout ends the connection.
/// </summary>
internal sealed class StreamSession(
    AuthorizedSender http,
    Uri baseUri,
    ServerEventsClientOptions options,
    ILogger logger,
    Action<ServerEventMessage, ServerEventConnect> connected,
    Action<ServerEventMessage> received)
{
    private const string ConnectTarget = "onConnect";

    /// <summary>Runs one connection until it ends; throws <see cref="OperationCanceledException"/> when <paramref name="stop"/> fires.</summary>
    public async Task<SessionEnd> RunAsync(Uri streamUri, ResumeFrom? resume, CancellationToken stop)
    {
        // Until onConnect arrives the silence allowed is the connect timeout; after it, the server's idle timeout.
        using var silence = new CancellationTokenSource(options.ConnectTimeout);
        using var heartbeatFailed = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, silence.Token, heartbeatFailed.Token);
        Task<Exception?>? heartbeat = null;
        ServerEventConnect? connect = null;
        var silenceAllowed = options.ConnectTimeout;
        Exception? heartbeatFailure = null;
        SessionEnd end;
        try
        {
            Log.Connecting(logger, streamUri, resume?.LastEventId, resume?.Epoch);
            using var request = new HttpRequestMessage(HttpMethod.Get, streamUri);
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (resume is not null)
            {
                request.Headers.TryAddWithoutValidation("Last-Event-ID", resume.LastEventId);
                if (resume.Epoch is not null)
                {
                    request.Headers.TryAddWithoutValidation("Last-Event-Epoch", resume.Epoch);
                }
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"The event stream answered {(int)response.StatusCode}.", null, response.StatusCode);
            }

            await using var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await foreach (var item in SseParser.Create(body).EnumerateAsync(linked.Token).ConfigureAwait(false))
            {
                var message = MessageParser.Parse(item.EventId, item.Data);
                var isConnect = message.Op == ServerEventMessage.CommandOp && message.Target == ConnectTarget;
                if (isConnect)
                {
                    connect = ServerEventConnect.FromInfo(MessageParser.ReadInfo(message.Json), baseUri);
                    silenceAllowed = connect.IdleTimeoutMs > 0 ? TimeSpan.FromMilliseconds(connect.IdleTimeoutMs) : Timeout.InfiniteTimeSpan;
                    heartbeat ??= StartHeartbeat(connect, heartbeatFailed, linked.Token);
                }

                // Any frame, the server's replies to our heartbeats included, proves the connection alive.
                silence.CancelAfter(silenceAllowed);
                if (isConnect)
                {
                    connected(message, connect!);
                }
                else
                {
                    received(message);
                }
            }

            end = new SessionEnd(connect is null ? ReconnectReason.ConnectFailed : ReconnectReason.StreamEnded, null);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested && (silence.IsCancellationRequested || heartbeatFailed.IsCancellationRequested))
        {
            // A failed heartbeat is reported as such below; otherwise the silence timer fired.
            end = connect is null
                ? new SessionEnd(ReconnectReason.ConnectFailed, new TimeoutException($"No cmd.onConnect within {options.ConnectTimeout}."))
                : new SessionEnd(ReconnectReason.IdleTimeout, new TimeoutException($"Nothing arrived within the idle timeout of {connect.IdleTimeoutMs} ms."));
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            // Whatever broke (network, HttpClient.Timeout, a malformed onConnect), the remedy is a new connection.
            end = new SessionEnd(connect is null ? ReconnectReason.ConnectFailed : ReconnectReason.StreamFailed, ex);
        }
        finally
        {
            // The heartbeat loop shares the connection's lifetime, whichever way the connection ended.
            await linked.CancelAsync().ConfigureAwait(false);
            if (heartbeat is not null)
            {
                heartbeatFailure = await heartbeat.ConfigureAwait(false);
            }
        }

        return heartbeatFailure is null ? end : new SessionEnd(ReconnectReason.HeartbeatFailed, heartbeatFailure);
    }

    private Task<Exception?>? StartHeartbeat(ServerEventConnect connect, CancellationTokenSource failed, CancellationToken cancellationToken)
    {
        if (connect.HeartbeatUrl is null || connect.HeartbeatIntervalMs <= 0)
        {
            return null;
        }

        var loop = new HeartbeatLoop(http, connect.HeartbeatUrl, TimeSpan.FromMilliseconds(connect.HeartbeatIntervalMs), logger);
        return RunAsync();

        async Task<Exception?> RunAsync()
        {
            var failure = await loop.RunAsync(cancellationToken).ConfigureAwait(false);
            if (failure is not null)
            {
                // Ends the read loop; the session then reports the heartbeat as the reason.
                await failed.CancelAsync().ConfigureAwait(false);
            }

            return failure;
        }
    }
}
