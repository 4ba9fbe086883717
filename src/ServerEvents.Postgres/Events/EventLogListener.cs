using System.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServerEvents.Cluster;
using ServerEvents.Delivery;
using ServerEvents.Diagnostics;
using ServerEvents.Postgres.Hosting;

namespace ServerEvents.Postgres.Events;

/// <summary>
/// This node's end of the fan-out: a dedicated connection that LISTENs on the channel and hands every logged
/// item to the attached sinks, one at a time, in position order and without holes. An item that arrives ahead
/// of its turn, or whose body was too large for its notification, is read from the log together with
/// everything before it. After losing the connection it reconnects with exponential back-off and catches up
/// from the log, from the last position it handed over.
/// </summary>
internal sealed partial class EventLogListener : IHostedService, IAsyncDisposable
{
    /// <summary>How long the connection may sit idle before the log is polled, which also proves the connection alive.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    private const int CatchUpBatch = 1000;
    private const string CatchUpSql = "SELECT position, payload FROM event_log WHERE position > $1 ORDER BY position LIMIT $2";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresConnector _connector;
    private readonly PostgresClusterOptions _options;
    private readonly ServerEventsMetrics _metrics;
    private readonly ILogger<EventLogListener> _logger;
    private readonly AttachedSinks _sinks;
    private readonly Queue<string> _notifications = new();
    private readonly CancellationTokenSource _stopping = new();
    private NpgsqlConnection? _connection;
    private Task? _loop;
    private int _disposed;

    // The log's epoch, read with the head.
    private string _epoch = string.Empty;

    public EventLogListener(
        NpgsqlDataSource dataSource,
        PostgresConnector connector,
        IOptions<PostgresClusterOptions> options,
        ServerEventsMetrics metrics,
        ILogger<EventLogListener> logger)
    {
        _metrics = metrics;
        _dataSource = dataSource;
        _connector = connector;
        _options = options.Value;
        _logger = logger;
        _sinks = new AttachedSinks(logger);
    }

    /// <summary>The epoch of the log, as read when the listener last connected; empty before it has.</summary>
    public string Epoch => Volatile.Read(ref _epoch);

    /// <summary>Attaches a sink; callable before the listener has connected.</summary>
    public IDisposable Attach(IClusterEventSink sink) => _sinks.Attach(sink);

    /// <summary>Connects and starts listening; a new node starts from the log's current head, not from its beginning.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connection = await _connector.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _sinks.Start(await ListenAsync(connection, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _connection = connection;
        LogListening(_options.EffectiveChannel, _sinks.Dispatched);
        _loop = RunAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the loop if the host never called <see cref="StopAsync"/> (a later service failed to start).</summary>
    /// <remarks>The container may call this twice: once for the singleton, once for the hosted service registration.</remarks>
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

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var delay = _options.ReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = _connection;
                if (connection is null)
                {
                    _connection = connection = await _dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                    await ListenAsync(connection, stoppingToken).ConfigureAwait(false);
                    _metrics.FanOutResubscribed(PostgresClusterTier.TierName);
                    var missed = await CatchUpAsync(connection, stoppingToken).ConfigureAwait(false);
                    LogReconnected(_options.EffectiveChannel, missed);
                    delay = _options.ReconnectDelay;
                }

                if (await connection.WaitAsync(IdlePoll, stoppingToken).ConfigureAwait(false))
                {
                    await DrainAsync(connection, stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    await CatchUpAsync(connection, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogConnectionLost(ex, _options.EffectiveChannel, delay.TotalMilliseconds);
                await CloseAsync().ConfigureAwait(false);
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
        }

        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Subscribes <paramref name="connection"/> to the channel, then reads the head, so no commit falls between the two.</summary>
    private async Task<long> ListenAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        _notifications.Clear();
        connection.Notification += (_, e) => _notifications.Enqueue(e.Payload);

        // The channel and the schema were validated as plain identifiers. The application name lets an operator
        // (or a fault test) find the fan-out connections.
        await using var command = new NpgsqlCommand(
            $"""LISTEN "{_options.EffectiveChannel}"; SET application_name = 'server-events-listener {_options.EffectiveChannel}'; SELECT position, epoch FROM event_log_head""",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _epoch, reader.GetString(1));
        return reader.GetInt64(0);
    }

    /// <summary>Hands over what the notifications announced: inline items directly when they are next in turn, the rest from the log.</summary>
    private async Task DrainAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        while (_notifications.TryDequeue(out var notification))
        {
            var (position, payload) = LogEntry.ParseNotification(notification);
            if (position <= _sinks.Dispatched)
            {
                continue;
            }

            if (position == _sinks.Dispatched + 1 && payload is not null)
            {
                Dispatch(position, LogEntry.Deserialize(payload));
            }
            else
            {
                if (position > _sinks.Dispatched + 1)
                {
                    _metrics.FanOutGap(PostgresClusterTier.TierName);
                }

                await CatchUpAsync(connection, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Hands over every logged item after the last one handed over.</summary>
    /// <returns>How many items were handed over.</returns>
    private async Task<int> CatchUpAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var total = 0;
        int read;
        do
        {
            read = 0;
            await using var command = new NpgsqlCommand(CatchUpSql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _sinks.Dispatched });
            command.Parameters.Add(new NpgsqlParameter { Value = CatchUpBatch });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Past the next position only when retention removed what lies between; the sinks log that.
                Dispatch(reader.GetInt64(0), LogEntry.Deserialize(reader.GetString(1)));
                read++;
            }

            total += read;
        }
        while (read == CatchUpBatch);

        _metrics.FanOutCaughtUp(PostgresClusterTier.TierName, total);
        return total;
    }

    private void Dispatch(long position, LogEntry entry)
    {
        if (entry.Kind == LogEntryKind.Event)
        {
            _sinks.Deliver(entry.ToEvent(position));
        }
        else
        {
            _sinks.Signal(position, entry.ToSignal());
        }
    }

    private async Task CloseAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await ForgetListenAsync(connection).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The pool does not reset a connection it takes back (see CreateDataSource): one still open would carry this
    // LISTEN, and notifications nobody reads, into the pool. A broken connection is never pooled again.
    private static async Task ForgetListenAsync(NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var command = new NpgsqlCommand("UNLISTEN *; RESET application_name", connection) { CommandTimeout = 2 };
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // Still listening, or unknown: the pool closes this connection when it is handed back instead of keeping it.
            NpgsqlConnection.ClearPool(connection);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Channel} from position {Position}")]
    private partial void LogListening(string channel, long position);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Channel} again; caught up {Missed} items from the log")]
    private partial void LogReconnected(string channel, int missed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the fan-out connection on {Channel}; reconnecting in {DelayMs} ms")]
    private partial void LogConnectionLost(Exception exception, string channel, double delayMs);
}
