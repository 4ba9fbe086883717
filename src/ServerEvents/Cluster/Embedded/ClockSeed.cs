namespace ServerEvents.Cluster.Embedded;

/// <summary>
/// Where the embedded tier's counters (event-log positions, sequences such as chat message ids) start: the
/// microseconds since the Unix epoch when the process first needs them. The embedded tier keeps nothing across a
/// restart, so counting from 1 again would hand a page that stayed open ids it has already seen, and it would skip
/// every new message as a duplicate. Starting from the clock keeps ids going up across restarts as long as the
/// previous run used fewer than a million ids a second on average and the clock does not go back. The values stay
/// below 2^53 (until the year 2255), so JavaScript numbers hold them exactly.
/// </summary>
public static class ClockSeed
{
    /// <summary>The counter value to start from now: the next id handed out is one more.</summary>
    public static long Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }
}
