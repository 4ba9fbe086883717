namespace ServerEvents;

/// <summary>
/// Thrown when the cluster tier cannot serve a call now: its queue to the database stayed full, or the cluster or its
/// storage is away (an Orleans failover). The endpoints answer 503, so the caller backs off and retries rather than
/// the node holding ever more waiting work; never a 500.
/// </summary>
public sealed class ClusterBusyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public ClusterBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
