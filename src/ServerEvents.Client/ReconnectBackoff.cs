namespace ServerEvents.Client;

/// <summary>
/// Exponential back-off with full jitter: attempt n waits a uniformly random time in
/// [0, min(max, base * 2^(n-1))], so that many clients dropped at once do not come back in step.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
{
    private int _attempt;

    /// <summary>How many delays were handed out since the last <see cref="Reset"/>.</summary>
    public int Attempt => _attempt;

    public TimeSpan Next()
    {
        // Capping the exponent keeps the double finite; the cap is reached long before 2^32 anyway.
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 32)));
        _attempt++;
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    /// <summary>Called after a successful connect, so the next outage starts from the base delay again.</summary>
    public void Reset() => _attempt = 0;
}
