using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ServerEvents.Client;

/// <summary>
/// A client of a ServiceStack-compatible server events endpoint: holds one subscription open, sends its heartbeats,
/// routes every frame to the handlers, receivers and events registered on it, and reconnects (resuming from the last
/// event id, so nothing is missed) whenever the connection is lost.
/// </summary>
/// <remarks>
/// Frames are dispatched one at a time, in order, on a single loop: handlers of one client never run concurrently
/// with each other. <see cref="OnException"/> and <see cref="OnReconnect"/> may also be raised from the heartbeat and
/// reconnect paths. A handler that throws is reported to <see cref="OnException"/> and the client carries on.
/// A client connects once: after <see cref="StopAsync"/> create a new one.
/// </remarks>
public sealed class ServerEventsClient : IAsyncDisposable
{
    private const int NotStarted = 0;
    private const int Running = 1;
    private const int Stopped = 2;

    private readonly HttpClient _http;
    private readonly AuthorizedSender _sender;
    private readonly bool _ownsHttp;
    private readonly ServerEventsClientOptions _options;
    private readonly ILogger _logger;
    private readonly FrameRouter _router;
    private readonly ReconnectBackoff _backoff;
    private readonly StreamSession _session;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<ServerEventConnect> _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChannelList _channels;
    private volatile ServerEventConnect? _connection;
    private volatile Exception? _lastConnectionError;
    private long _lastEventId = -1;
    private long _lastPulseTicks;
    private int _state;
    private Task? _run;

    /// <summary>Creates a client; nothing is sent until <see cref="StartAsync"/>.</summary>
    /// <param name="baseUri">The server's base address; the stream is at <c>{baseUri}/event-stream</c>.</param>
    /// <param name="channels">The channels to join; none means the server's default channel <c>*</c>.</param>
    /// <param name="httpClient">
    /// The client to send with (it carries authentication, cookies, handlers). Its <see cref="HttpClient.Timeout"/>
    /// bounds each side request and the wait for the stream's headers. When null, the client creates and owns one.
    /// </param>
    /// <param name="logger">Where to log; nothing is logged when null.</param>
    /// <param name="options">Timeouts, back-off, paths and JSON options; the defaults when null.</param>
    public ServerEventsClient(
        Uri baseUri,
        IEnumerable<string> channels,
        HttpClient? httpClient = null,
        ILogger<ServerEventsClient>? logger = null,
        ServerEventsClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(channels);

        // Relative paths resolve below the base only when it ends with a slash.
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _channels = new ChannelList(channels);
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient();
        _options = options ?? new ServerEventsClientOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _router = new FrameRouter(_logger);
        _backoff = new ReconnectBackoff(_options.ReconnectBaseDelay, _options.ReconnectMaxDelay);
        _sender = new AuthorizedSender(_http, _options.AccessTokenProvider);
        _session = new StreamSession(_sender, BaseUri, _options, _logger, OnConnected, OnFrame);
    }

    /// <summary>Raised for every <c>cmd.onConnect</c>: the first connect and each reconnect (with a new subscription id).</summary>
    public event EventHandler<ServerEventConnect>? OnConnect;

    /// <summary>Raised for <c>channel@cmd.onJoin</c>: a subscription (this one included) joined a channel.</summary>
    public event EventHandler<ServerEventPresence>? OnJoin;

    /// <summary>Raised for <c>channel@cmd.onLeave</c>: a subscription left a channel.</summary>
    public event EventHandler<ServerEventPresence>? OnLeave;

    /// <summary>Raised for <c>channel@cmd.onUpdate</c>: a subscription in a shared channel changed its channels.</summary>
    public event EventHandler<ServerEventPresence>? OnUpdate;

    /// <summary>Raised for <c>cmd.onHeartbeat</c>, the server's reply to a heartbeat; <see cref="LastPulseAt"/> is updated first.</summary>
    public event EventHandler<ServerEventPresence>? OnHeartbeat;

    /// <summary>Raised for <c>cmd.onReplayGap</c>: on resuming, the server no longer had every missed event.</summary>
    public event EventHandler<ServerEventReplayGap>? OnReplayGap;

    /// <summary>Raised for every message that is not one of the protocol's own commands, after its handler or receiver ran.</summary>
    public event EventHandler<ServerEventMessage>? OnMessage;

    /// <summary>Raised when a handler throws, or a connection, heartbeat or unregister fails.</summary>
    public event EventHandler<Exception>? OnException;

    /// <summary>Raised when a connection ended, before the back-off delay and the next attempt.</summary>
    public event EventHandler<ServerEventReconnect>? OnReconnect;

    /// <summary>The server's base address, ending with a slash.</summary>
    public Uri BaseUri { get; }

    /// <summary>The channels the subscription is in, including those joined or left at run time; a reconnect rejoins these.</summary>
    public IReadOnlyList<string> Channels => _channels.Names;

    /// <summary>The current connection's onConnect arguments, or <see langword="null"/> before the first connect.</summary>
    public ServerEventConnect? Connection => _connection;

    /// <summary>The current subscription id, or <see langword="null"/> before the first connect.</summary>
    public string? SubscriptionId => _connection?.Id;

    /// <summary>The id of the last frame received: where a reconnect resumes. <see langword="null"/> before any frame.</summary>
    public long? LastEventId => Interlocked.Read(ref _lastEventId) is var id and >= 0 ? id : null;

    /// <summary>When the last <c>cmd.onHeartbeat</c> arrived, or <see langword="null"/> before the first.</summary>
    public DateTimeOffset? LastPulseAt => Interlocked.Read(ref _lastPulseTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// Handlers of <c>cmd.X</c> messages by name X (case-sensitive). Can be changed at any time, including from a handler.
    /// </summary>
    public ConcurrentDictionary<string, Action<ServerEventsClient, ServerEventMessage>> Handlers => _router.Handlers;

    /// <summary>Handles <c>cmd.{name}</c> messages; replaces any handler of that name.</summary>
    /// <returns>This client, for chaining.</returns>
    public ServerEventsClient RegisterHandler(string name, Action<ServerEventsClient, ServerEventMessage> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(handler);
        Handlers[name] = handler;
        return this;
    }

    /// <summary>
    /// Handles <c>cmd.{TypeName}</c> messages (the selector the server's typed notify overloads use) with the body
    /// deserialised to <typeparamref name="T"/> (<see langword="default"/> for a null message).
    /// </summary>
    /// <returns>This client, for chaining.</returns>
    public ServerEventsClient On<T>(Action<T, ServerEventMessage> handler) => On(typeof(T).Name, handler);

    /// <summary>Handles <c>cmd.{name}</c> messages with the body deserialised to <typeparamref name="T"/>.</summary>
    /// <param name="name">The command name; the type's name when null.</param>
    /// <param name="handler">Called with the body (<see langword="default"/> for a null message) and the frame.</param>
    /// <returns>This client, for chaining.</returns>
    public ServerEventsClient On<T>(string? name, Action<T, ServerEventMessage> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return RegisterHandler(name ?? typeof(T).Name, (_, message) => handler(Deserialize<T>(message.Json), message));
    }

    /// <summary>
    /// Routes messages of op <paramref name="name"/> (selector <c>name.X</c>) to <paramref name="receiver"/>: a public
    /// method named X (case-insensitive) is called with no argument or with the body deserialised to its parameter;
    /// otherwise a public property named X is set to the deserialised body.
    /// </summary>
    /// <returns>This client, for chaining.</returns>
    public ServerEventsClient RegisterNamedReceiver(string name, object receiver)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(receiver);
        _router.Receivers[name] = new NamedReceiverInvoker(receiver, _options.JsonSerializerOptions);
        return this;
    }

    /// <summary>
    /// Opens the stream and returns once <c>cmd.onConnect</c> arrived. Failed attempts are retried with back-off
    /// until <see cref="ServerEventsClientOptions.ConnectTimeout"/>; from then on the client keeps itself connected
    /// until <see cref="StopAsync"/>.
    /// </summary>
    /// <exception cref="TimeoutException">No connect within the timeout; the client is stopped.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first; the client is stopped.</exception>
    /// <exception cref="InvalidOperationException">The client was already started or stopped.</exception>
    public async Task<ServerEventConnect> StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, Running, NotStarted) != NotStarted)
        {
            throw new InvalidOperationException("The client was already started; create a new one to connect again.");
        }

        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        try
        {
            return await _firstConnect.Task.WaitAsync(_options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            if (ex is TimeoutException && _lastConnectionError is { } cause)
            {
                throw new TimeoutException($"No cmd.onConnect from {BaseUri} within {_options.ConnectTimeout}.", cause);
            }

            throw;
        }
    }

    /// <summary>
    /// Stops for good: no more reconnects or heartbeats, the stream is closed, and the subscription is unregistered, so
    /// the server no longer lists it once this returns. Safe to call more than once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, Stopped) == Stopped)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _firstConnect.TrySetCanceled(CancellationToken.None);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        // Closing the stream already makes the server drop the subscription, but only eventually; the explicit
        // unregister means it is gone when this returns. 404 just means the server got there first.
        if (_connection is { UnRegisterUrl: { } unregister } connection)
        {
            try
            {
                using var response = await _sender.PostAsync(unregister, content: null, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                {
                    throw new HttpRequestException($"Unregister answered {(int)response.StatusCode}.", null, response.StatusCode);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Best effort (HttpClient.Timeout included): the server expires the subscription anyway.
                Log.UnregisterFailed(_logger, ex, connection.Id);
                ReportException(ex);
            }
        }

        Log.Stopped(_logger, _connection?.Id);
    }

    /// <summary>Joins channels at run time (POSTs <c>subscribeChannels</c> to the update URL) and remembers them for reconnects.</summary>
    public Task SubscribeToChannelsAsync(params string[] channels) => SubscribeToChannelsAsync(channels, CancellationToken.None);

    /// <inheritdoc cref="SubscribeToChannelsAsync(string[])"/>
    /// <exception cref="InvalidOperationException">Not connected, or the server disabled the update endpoint.</exception>
    /// <exception cref="HttpRequestException">The server refused the change (for example 404 while reconnecting).</exception>
    public Task SubscribeToChannelsAsync(IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default) =>
        UpdateChannelsAsync(unsubscribe: [], subscribe: ChannelList.Validate(channels), cancellationToken);

    /// <summary>Leaves channels at run time (POSTs <c>unsubscribeChannels</c> to the update URL) and forgets them for reconnects.</summary>
    public Task UnsubscribeFromChannelsAsync(params string[] channels) => UnsubscribeFromChannelsAsync(channels, CancellationToken.None);

    /// <inheritdoc cref="UnsubscribeFromChannelsAsync(string[])"/>
    /// <exception cref="InvalidOperationException">Not connected, or the server disabled the update endpoint.</exception>
    /// <exception cref="HttpRequestException">The server refused the change (for example 404 while reconnecting).</exception>
    public Task UnsubscribeFromChannelsAsync(IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default) =>
        UpdateChannelsAsync(unsubscribe: ChannelList.Validate(channels), subscribe: [], cancellationToken);

    /// <summary>Every subscription in this client's current channels (this one included), from <c>GET /event-subscribers</c>.</summary>
    public async Task<IReadOnlyList<ServerEventUser>> GetChannelSubscribersAsync(CancellationToken cancellationToken = default)
    {
        var url = new Uri(BaseUri, _options.SubscribersPath + _channels.ToQuery());
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await _sender.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var infos = await response.Content.ReadFromJsonAsync<List<Dictionary<string, string>>>(cancellationToken).ConfigureAwait(false);
        return infos is null ? [] : [.. infos.Select(ServerEventUser.FromInfo)];
    }

    /// <summary>Same as <see cref="StopAsync"/>; also disposes the <see cref="HttpClient"/> when the client created it.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                // The cursor and the epoch of the log that issued it: a server whose log is not that one any more (a
                // restart, a recreated database) says so with cmd.onReplayGap rather than replay from another log.
                var resume = LastEventId is { } lastEventId
                    ? new ResumeFrom(lastEventId.ToString(CultureInfo.InvariantCulture), _connection?.Epoch)
                    : null;
                var end = await _session.RunAsync(new Uri(BaseUri, _options.EventStreamPath + _channels.ToQuery()), resume, stop).ConfigureAwait(false);
                var delay = _backoff.Next();
                Log.Reconnecting(_logger, end.Error, end.Reason, _backoff.Attempt, delay.TotalMilliseconds);
                if (end.Error is not null)
                {
                    _lastConnectionError = end.Error;
                    ReportException(end.Error);
                }

                Raise(OnReconnect, new ServerEventReconnect(end.Reason, _backoff.Attempt, delay, end.Error), "reconnect");
                await Task.Delay(delay, stop).ConfigureAwait(false);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // StopAsync: whatever the stop interrupted (a read, the back-off) no longer matters.
        }
    }

    private void OnConnected(ServerEventMessage message, ServerEventConnect connect)
    {
        RecordCursor(message);
        _connection = connect;
        _backoff.Reset();
        Log.Connected(_logger, connect.Id, string.Join(',', connect.Channels));
        _firstConnect.TrySetResult(connect);
        Raise(OnConnect, connect, message.Selector);
    }

    private void OnFrame(ServerEventMessage message)
    {
        RecordCursor(message);
        if (message.IsSystemCommand)
        {
            RaiseSystemEvent(message);
            return;
        }

        try
        {
            _router.Route(this, message);
        }
        catch (Exception ex)
        {
            HandlerFailed(ex, message.Selector);
        }

        Raise(OnMessage, message, message.Selector);
    }

    private void RaiseSystemEvent(ServerEventMessage message)
    {
        try
        {
            switch (message.Target)
            {
                case "onJoin":
                    OnJoin?.Invoke(this, ReadPresence(message));
                    break;
                case "onLeave":
                    OnLeave?.Invoke(this, ReadPresence(message));
                    break;
                case "onUpdate":
                    OnUpdate?.Invoke(this, ReadPresence(message));
                    break;
                case "onHeartbeat":
                    Interlocked.Exchange(ref _lastPulseTicks, DateTimeOffset.UtcNow.UtcTicks);
                    OnHeartbeat?.Invoke(this, ReadPresence(message));
                    break;
                case "onReplayGap":
                    var gap = Deserialize<ServerEventReplayGap>(message.Json);
                    Log.ReplayGap(_logger, gap.LastEventId, gap.OldestAvailableId);
                    OnReplayGap?.Invoke(this, gap);
                    break;
            }
        }
        catch (Exception ex)
        {
            HandlerFailed(ex, message.Selector);
        }
    }

    private async Task UpdateChannelsAsync(string[] unsubscribe, string[] subscribe, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("Not connected yet: await StartAsync first.");
        var url = connection.UpdateSubscriberUrl ?? throw new InvalidOperationException("The server did not announce an updateSubscriberUrl.");
        var body = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (unsubscribe.Length > 0)
        {
            body["unsubscribeChannels"] = unsubscribe;
        }

        if (subscribe.Length > 0)
        {
            body["subscribeChannels"] = subscribe;
        }

        using var response = await _sender.PostAsync(url, JsonContent.Create(body), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Changing channels answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        var channels = _channels.Apply(unsubscribe, subscribe);
        Log.ChannelsChanged(_logger, connection.Id, string.Join(',', channels));
    }

    private void RecordCursor(ServerEventMessage message)
    {
        if (message.EventId is { } id)
        {
            Interlocked.Exchange(ref _lastEventId, id);
        }
    }

    private ServerEventPresence ReadPresence(ServerEventMessage message) =>
        new(ServerEventUser.FromInfo(MessageParser.ReadInfo(message.Json)), message);

    private T Deserialize<T>(string json) =>
        json.Length == 0 ? default! : JsonSerializer.Deserialize<T>(json, _options.JsonSerializerOptions)!;

    private void Raise<T>(EventHandler<T>? handler, T args, string context)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            HandlerFailed(ex, context);
        }
    }

    private void HandlerFailed(Exception exception, string context)
    {
        Log.HandlerFailed(_logger, exception, context);
        ReportException(exception);
    }

    private void ReportException(Exception exception)
    {
        try
        {
            OnException?.Invoke(this, exception);
        }
        catch (Exception ex)
        {
            Log.ExceptionHandlerFailed(_logger, ex);
        }
    }
}
