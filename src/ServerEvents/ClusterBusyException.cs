namespace ServerEvents;

/// <summary>
/// Thrown when the cluster tier cannot take a publish in time (its queue to the database stayed full): the endpoints
/// answer 503 with Retry-After, so the caller backs off rather than the node holding ever more waiting work.
/// </summary>
public sealed class ClusterBusyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterBusyException(string message)
        : base(message)
    {
    }
}
