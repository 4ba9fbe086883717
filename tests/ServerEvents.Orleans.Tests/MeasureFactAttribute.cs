namespace ServerEvents.Orleans.Tests;

/// <summary>
/// A measurement, not a test: skipped unless <c>SERVER_EVENTS_MEASURE=1</c>, so the suite stays fast and its results
/// never depend on how busy the machine is.
/// </summary>
public sealed class MeasureFactAttribute : FactAttribute
{
    /// <summary>Skips the measurement unless asked for.</summary>
    public MeasureFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SERVER_EVENTS_MEASURE") != "1")
        {
            Skip = "A measurement; run with SERVER_EVENTS_MEASURE=1.";
        }
    }
}
