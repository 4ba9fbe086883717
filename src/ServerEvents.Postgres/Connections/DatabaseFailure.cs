using Npgsql;

namespace ServerEvents.Postgres.Connections;

/// <summary>
/// Tells a database that cannot serve a call now (the node's connection pool exhausted within its wait, the server
/// refusing connections with <c>53300 too many clients</c> or <c>57P03</c> while it starts, a connection refused or
/// lost, a deadlock) from a bug (a malformed statement, a broken constraint), and turns the first kind into
/// <see cref="ClusterBusyException"/>, which every endpoint and stream open answers with 503 and <c>Retry-After</c>:
/// the caller backs off and retries, on this node or another, instead of getting a 500.
/// </summary>
internal static class DatabaseFailure
{
    public const string UnavailableMessage = "The database is busy or unavailable; retry shortly.";

    /// <summary>Runs a call on the database, translating unavailability into <see cref="ClusterBusyException"/>.</summary>
    public static async ValueTask<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new ClusterBusyException(UnavailableMessage, ex);
        }
    }

    /// <summary>What a failed call should surface as: <see cref="ClusterBusyException"/> when it is unavailability.</summary>
    public static Exception Translate(Exception exception) =>
        IsUnavailable(exception) ? new ClusterBusyException(UnavailableMessage, exception) : exception;

    /// <summary>
    /// Whether <paramref name="exception"/> means the database could not serve the call now. Every
    /// <see cref="NpgsqlException"/> that is not an error PostgreSQL itself reported is about the connection: the pool
    /// timing out, a refused or broken socket. Of PostgreSQL's own errors, the classes that waiting can fix count.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => IsTransient(postgres),
        NpgsqlException => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Errors that waiting can fix: class 53 (insufficient resources, <c>53300</c> too many connections), 57 (a
    /// server starting or shutting down), 08 (connection failures), and serialization failures or deadlocks (40001,
    /// 40P01), which roll the transaction back whole.
    /// </summary>
    public static bool IsTransient(PostgresException exception) =>
        exception.IsTransient
        || exception.SqlState.StartsWith("53", StringComparison.Ordinal)
        || exception.SqlState.StartsWith("57", StringComparison.Ordinal)
        || exception.SqlState.StartsWith("08", StringComparison.Ordinal)
        || exception.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;
}
