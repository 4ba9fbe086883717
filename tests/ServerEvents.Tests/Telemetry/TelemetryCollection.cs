namespace ServerEvents.Tests.Telemetry;

/// <summary>
/// Activity and meter listeners are process-wide: an OpenTelemetry provider hears every server in the test process.
/// These tests run alone, so what a provider exports comes from their own server only.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Telemetry";
}
