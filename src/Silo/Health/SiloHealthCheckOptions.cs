namespace ServerEvents.Silo.Health;

/// <summary>How the readiness checks probe; bound from <c>Silo:HealthChecks</c>.</summary>
public sealed class SiloHealthCheckOptions
{
    /// <summary>
    /// How long the storage probe may take before the account counts as away. Default 2 s: a probe answers in
    /// milliseconds, and the SDK's own retries would otherwise hold an unhealthy answer back for tens of seconds.
    /// </summary>
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
