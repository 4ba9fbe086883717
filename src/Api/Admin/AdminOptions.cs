namespace ServerEvents.Api.Admin;

/// <summary>The live admin dashboard at <c>/admin</c>, bound from the <c>Admin</c> section.</summary>
public sealed class AdminOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Admin";

    /// <summary>
    /// The private channel the nodes publish their snapshots to. It is not a valid chat channel name (the colon), so
    /// the chat's endpoints refuse to post to it, and only administrators may subscribe to it.
    /// </summary>
    public string Channel { get; set; } = "admin:dashboard";

    /// <summary>How often each node samples its figures and publishes a snapshot.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many of the busiest channels a snapshot lists.</summary>
    public int BusiestChannels { get; set; } = 10;

    /// <summary>How many recent warnings and errors each node keeps (and sends) for the dashboard.</summary>
    public int RecentErrors { get; set; } = 20;

    /// <summary>How long a health check may take before the node reports itself unhealthy.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
