using System.Buffers.Text;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerEvents.Authorization;
using ServerEvents.Cluster;
using ServerEvents.Delivery;
using ServerEvents.Diagnostics;
using ServerEvents.Hosting;
using ServerEvents.Protocol;
using ServerEvents.Subscriptions;

namespace ServerEvents.Endpoints;

/// <summary>
/// <c>GET /event-stream</c>: opens a subscription and holds its stream. The stream starts with
/// <c>cmd.onConnect</c>, then (when resuming with Last-Event-ID, see <see cref="ReplayWriter"/>) every missed
/// event, then live events.
/// </summary>
internal sealed partial class EventStreamEndpoint(
    ServerEventsService serverEvents,
    SubscriberIdentityResolver identities,
    ServerEventsMetrics metrics,
    ServerEventsNode node,
    StreamAdmission admission,
    ReplayAdmission replayAdmission,
    ReplayWriter replayWriter,
    IClusterTier cluster,
    ChannelAuthorizer channelAuthorizer,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    IOptionsMonitor<ServerEventsOptions> optionsMonitor,
    ILogger<EventStreamEndpoint> logger)
{
    // How long a refused client should wait before reconnecting; by then the load balancer routes it elsewhere.
    private const string ShuttingDownRetryAfterSeconds = "1";
    private const string ShuttingDownMessage = "This node is shutting down; reconnect (with Last-Event-ID) to resume on another node.";

    // Longer than for a stopping node: a full node frees places only as its streams end.
    private const string FullRetryAfterSeconds = "5";

    // Replays end on their own within seconds unless a client stops reading.
    private const string ReplaysBusyRetryAfterSeconds = "2";

    public async Task HandleAsync(HttpContext context)
    {
        // A node that is stopping ends its streams (see StreamShutdown); a stream opened now would end at
        // once, so it is refused and the client retries, landing on another replica.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await RefuseWhileStoppingAsync(context).ConfigureAwait(false);
            return;
        }

        using var place = admission.TryAdmit();
        if (place is null)
        {
            metrics.ConnectionRefused();
            LogRefusedFull(admission.Limit);
            await RefuseAsync(context, FullRetryAfterSeconds, $"This node holds its maximum of {admission.Limit} event streams; retry later.")
                .ConfigureAwait(false);
            return;
        }

        var options = optionsMonitor.CurrentValue;
        StreamOpening? opening;
        try
        {
            opening = await PrepareAsync(context, options).ConfigureAwait(false);
        }
        catch (Exception ex) when (BadInputFilter.Describe(ex) is { } error && !context.Response.HasStarted)
        {
            // A hook refused the input; the stream is mapped without BadInputFilter's wrapper, whose frame would
            // otherwise stay on every held stream.
            await ErrorResponse.WriteAsync(context, error.StatusCode, error.Message).ConfigureAwait(false);
            return;
        }

        if (opening is null)
        {
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // What a held stream keeps is multiplied by every stream on the node, so this frame holds only the
        // connection: one registration closes it when the client goes away, and the node stopping closes every
        // stream through the registry instead of each stream listening for it.
        using var connection = new EventStreamConnection(opening.Info, options.ConnectionQueueCapacity);
        using var aborted = context.RequestAborted.UnsafeRegister(static state => ((EventStreamConnection)state!).Close(), connection);
        var closed = connection.Closed;
        var replayLease = opening.ReplayLease;
        try
        {
            var writer = await OpenAsync(response, connection, opening, closed).ConfigureAwait(false);
            opening = null;

            // The replay is written: its place goes to the next resuming stream while this one runs live.
            replayLease?.Dispose();
            replayLease = null;
            await writer.PumpAsync(connection, closed).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
            // The client went away, the subscription was removed, its queue overflowed, or the app is stopping.
            // Ending the stream is how a stopping node tells its clients to reconnect: every client reconnects when
            // a stream ends and resumes with Last-Event-ID on whichever node it reaches. A stream that the stop
            // caught before it started gets the same refusal as one opened after the stop.
            if (!response.HasStarted && lifetime.ApplicationStopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                await RefuseWhileStoppingAsync(context).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            LogStreamFailed(ex, connection.Id);
            if (options.Hooks.OnError is { } onError)
            {
                await onError(connection.Info, ex).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (BadInputFilter.Describe(ex) is { } error && !response.HasStarted)
        {
            // The cluster tier could not register the stream (ClusterBusyException: its database is out of
            // connections or away): 503 with Retry-After, so the client retries rather than seeing a 500.
            await ErrorResponse.WriteAsync(context, error.StatusCode, error.Message).ConfigureAwait(false);
        }
        finally
        {
            replayLease?.Dispose();
            try
            {
                await serverEvents.ReleaseAsync(connection, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ClusterBusyException ex)
            {
                // The directory cannot be told now; the subscription then expires after the idle timeout, as a
                // silent client's does.
                LogReleaseFailed(ex, connection.Id);
            }
        }
    }

    /// <summary>
    /// Checks the request, runs the init, created and connect hooks and creates the subscription; null when the
    /// request was answered with an error instead.
    /// </summary>
    private async Task<StreamOpening?> PrepareAsync(HttpContext context, ServerEventsOptions options)
    {
        var request = context.Request;
        if (options.LimitToAuthenticatedUsers && context.User.Identity?.IsAuthenticated != true)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign in to subscribe to server events.").ConfigureAwait(false);
            return null;
        }

        var channels = new ChannelNames(options.MaxChannelNameLength, options.MaxChannelsPerConnection)
            .Parse([.. request.Query["channels"], .. request.Query["channel"]]);
        if (!channels.IsValid)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, channels.Error!).ConfigureAwait(false);
            return null;
        }

        if (!ResumeCursor.TryRead(request, out var resume, out var resumeError))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, resumeError).ConfigureAwait(false);
            return null;
        }

        if (options.Hooks.OnInit is { } onInit)
        {
            var init = new StreamInitContext(context);
            await onInit(init).ConfigureAwait(false);
            if (init.RejectedStatusCode is { } status)
            {
                await ErrorResponse.WriteAsync(context, status, init.RejectedMessage ?? "The stream was refused.").ConfigureAwait(false);
                return null;
            }
        }

        // Checked before anything is created, so a refused channel gets no subscription and no join notice.
        IReadOnlyList<string> names = channels.Names.Count > 0 ? channels.Names : [ChannelNames.Default];
        await channelAuthorizer.EnsureMaySubscribeAsync(context, names).ConfigureAwait(false);

        // A resuming stream waits for a replay place before anything is created for it, so a refused one leaves
        // nothing behind.
        IDisposable? replayLease = null;
        if (resume is not null)
        {
            replayLease = await replayAdmission.EnterAsync(context.RequestAborted).ConfigureAwait(false);
            if (replayLease is null)
            {
                LogRefusedReplay(replayAdmission.Limit);
                await RefuseAsync(
                    context,
                    ReplaysBusyRetryAfterSeconds,
                    $"This node is replaying to its maximum of {replayAdmission.Limit} resuming streams; retry with the same Last-Event-ID.")
                    .ConfigureAwait(false);
                return null;
            }
        }

        try
        {
            var info = await CreateSubscriptionAsync(context, options, names).ConfigureAwait(false);
            var connectArgs = CreateConnectArgs(request, info, options);
            if (options.Hooks.OnConnect is { } onConnect)
            {
                await onConnect(info, connectArgs).ConfigureAwait(false);
            }

            return new StreamOpening(info, serverEvents.Serialize(connectArgs), resume, replayLease);
        }
        catch
        {
            replayLease?.Dispose();
            throw;
        }
    }

    /// <summary>Registers the connection, starts the response and writes and flushes the stream's opening frames.</summary>
    private async Task<FrameWriter> OpenAsync(HttpResponse response, EventStreamConnection connection, StreamOpening opening, CancellationToken cancellationToken)
    {
        var watermark = await serverEvents.RegisterAsync(connection, cancellationToken).ConfigureAwait(false);

        // The stop may have closed every registered stream just before this one was added.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            connection.Close();
            cancellationToken.ThrowIfCancellationRequested();
        }

        await response.StartAsync(cancellationToken).ConfigureAwait(false);
        var writer = await WriteOpeningAsync(response, connection, opening, watermark, cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return writer;
    }

    /// <summary>
    /// Writes <c>cmd.onConnect</c> and, when resuming, what the stream missed (<see cref="ReplayWriter"/>).
    /// Returns the writer positioned after the replay.
    /// </summary>
    private async Task<FrameWriter> WriteOpeningAsync(
        HttpResponse response,
        EventStreamConnection connection,
        StreamOpening opening,
        long watermark,
        CancellationToken cancellationToken)
    {
        if (opening.Resume is { } resume)
        {
            return await replayWriter.WriteAsync(response.BodyWriter, connection, opening.ConnectBody, resume, watermark, serverEvents.Serialize, cancellationToken)
                .ConfigureAwait(false);
        }

        var fresh = new FrameWriter(response.BodyWriter, metrics, watermark);
        fresh.WriteConnect(opening.ConnectBody);
        return fresh;
    }

    private async Task<SubscriptionInfo> CreateSubscriptionAsync(HttpContext context, ServerEventsOptions options, IReadOnlyList<string> channels)
    {
        var identity = await identities.ResolveAsync(context, context.RequestAborted).ConfigureAwait(false);
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        var created = new SubscriptionCreatedContext(context, identity, id, channels);
        if (options.Hooks.OnCreated is { } onCreated)
        {
            await onCreated(created).ConfigureAwait(false);
        }

        return new SubscriptionInfo
        {
            Id = id,
            UserId = identity.UserId,
            UserName = identity.UserName,
            DisplayName = identity.DisplayName,
            ProfileUrl = identity.ProfileUrl,
            SessionId = identity.SessionId,
            IsAuthenticated = identity.IsAuthenticated,
            Channels = channels,
            CreatedAt = time.GetUtcNow(),
            NodeId = node.Id,
            Meta = created.Meta.Count == 0 ? ReadOnlyDictionary<string, string>.Empty : new Dictionary<string, string>(created.Meta, StringComparer.Ordinal),
        };
    }

    private Dictionary<string, string> CreateConnectArgs(HttpRequest request, SubscriptionInfo info, ServerEventsOptions options)
    {
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var paths = options.Paths;
        var args = info.ToPublicInfo();
        args["id"] = info.Id;
        AddUrl(args, "unRegisterUrl", baseUrl, paths.Unregister, "?id=" + info.Id);
        AddUrl(args, "heartbeatUrl", baseUrl, paths.Heartbeat, "?id=" + info.Id);
        AddUrl(args, "updateSubscriberUrl", baseUrl, paths.Subscribers, "/" + info.Id);
        args["heartbeatIntervalMs"] = ((long)options.HeartbeatInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        args["idleTimeoutMs"] = ((long)options.IdleTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

        // Beyond ServiceStack: the epoch of the log the stream's ids come from, for the client to send back with its
        // cursor (see ResumeCursor); clients that do not know it ignore it.
        args["epoch"] = cluster.Events.Epoch;
        return args;
    }

    private static void AddUrl(Dictionary<string, string> args, string name, string baseUrl, string? path, string suffix)
    {
        if (!string.IsNullOrEmpty(path))
        {
            args[name] = baseUrl + path + suffix;
        }
    }

    /// <summary>503 with Retry-After: the node is shutting down and takes no new streams.</summary>
    private static Task RefuseWhileStoppingAsync(HttpContext context) => RefuseAsync(context, ShuttingDownRetryAfterSeconds, ShuttingDownMessage);

    private static Task RefuseAsync(HttpContext context, string retryAfterSeconds, string message)
    {
        // A refused client's idle keep-alive connection would hold a socket of a node that is short of them.
        context.Response.Headers.Connection = "close";
        context.Response.Headers.RetryAfter = retryAfterSeconds;
        return ErrorResponse.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream refused: this node holds its maximum of {MaxConnections} streams")]
    private partial void LogRefusedFull(int maxConnections);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {SubscriptionId} could not be removed from the directory; it expires after the idle timeout")]
    private partial void LogReleaseFailed(Exception exception, string subscriptionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream of subscription {SubscriptionId} failed")]
    private partial void LogStreamFailed(Exception exception, string subscriptionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resuming stream refused: this node is replaying to its maximum of {MaxConcurrentReplays} streams")]
    private partial void LogRefusedReplay(int maxConcurrentReplays);

    /// <summary>
    /// A checked request: the new subscription, its serialised <c>cmd.onConnect</c> body, the resume cursor and,
    /// when resuming, the replay place it holds until its replay is written.
    /// </summary>
    private sealed record StreamOpening(SubscriptionInfo Info, string ConnectBody, ResumeCursor? Resume, IDisposable? ReplayLease);
}
