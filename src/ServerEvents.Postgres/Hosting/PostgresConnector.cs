using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServerEvents.Postgres.Connections;

namespace ServerEvents.Postgres.Hosting;

/// <summary>
/// Opens connections for start-up work: retries while the database is not reachable yet (it may be starting
/// beside the app), gives up at once on errors that waiting cannot fix (a wrong password, a missing database),
/// and never waits longer than <see cref="PostgresClusterOptions.StartupTimeout"/>.
/// </summary>
internal sealed partial class PostgresConnector(
    NpgsqlDataSource dataSource,
    IOptions<PostgresClusterOptions> options,
    ILogger<PostgresConnector> logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Opens a connection, or throws an <see cref="InvalidOperationException"/> that says why it could not.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.StartupTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        Exception? last = null;
        while (true)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (!DatabaseFailure.IsTransient(ex))
            {
                throw Unreachable($"it refused the connection ({ex.SqlState}: {ex.MessageText})", ex);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex is OperationCanceledException ? last : ex;
                if (deadline.IsCancellationRequested)
                {
                    break;
                }

                LogRetrying(Describe(), ex.Message);
            }

            try
            {
                await Task.Delay(RetryDelay, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        throw Unreachable($"it did not answer within {timeout.TotalSeconds:0.#} s ({last?.Message ?? "no answer"})", last);
    }

    /// <summary>The server, port and database, without credentials.</summary>
    private string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return $"{builder.Host}:{builder.Port}, database '{builder.Database}'";
    }

    private InvalidOperationException Unreachable(string reason, Exception? inner) =>
        new($"The PostgreSQL cluster tier cannot start: PostgreSQL at {Describe()} is unusable, {reason}. Check ConnectionStrings:{PostgresClusterOptions.ConnectionStringName}.", inner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL at {Server} is not reachable yet, retrying: {Reason}")]
    private partial void LogRetrying(string server, string reason);
}
