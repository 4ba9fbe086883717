namespace ServerEvents.Orleans;

/// <summary>
/// Turns the ways a grain call fails while the cluster or its storage is away (no silo, a silo dying, a timeout, the
/// storage refusing a write) into <see cref="ClusterBusyException"/>, which the endpoints answer with 503 instead of a
/// 500: the caller may retry.
/// </summary>
internal static class ClusterCall
{
    public const string UnavailableMessage = "The cluster is unavailable; retry shortly.";

    public static async ValueTask<T> RunAsync<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    public static async ValueTask RunAsync(Task call, CancellationToken cancellationToken)
    {
        try
        {
            await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOutage(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>Whether <paramref name="exception"/> means the cluster or its storage could not serve the call.</summary>
    public static bool IsOutage(Exception exception) =>
        exception is OrleansException or TimeoutException or Azure.RequestFailedException;

    private static ClusterBusyException Unavailable(Exception inner) => new(UnavailableMessage, inner);
}
