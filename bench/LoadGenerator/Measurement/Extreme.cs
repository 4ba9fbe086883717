namespace ServerEvents.Bench.LoadGenerator.Measurement;

/// <summary>Keeps the lowest or highest of the values many receive loops offer at once, without a lock.</summary>
internal static class Extreme
{
    /// <summary>Sets <paramref name="slot"/> to <paramref name="value"/> when it is lower.</summary>
    public static void KeepLowest(ref long slot, long value) => Keep(ref slot, value, lowest: true);

    /// <summary>Sets <paramref name="slot"/> to <paramref name="value"/> when it is higher.</summary>
    public static void KeepHighest(ref long slot, long value) => Keep(ref slot, value, lowest: false);

    private static void Keep(ref long slot, long value, bool lowest)
    {
        var seen = Volatile.Read(ref slot);
        while (lowest ? value < seen : value > seen)
        {
            var was = Interlocked.CompareExchange(ref slot, value, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }
}
