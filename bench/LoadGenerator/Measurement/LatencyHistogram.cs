using System.Numerics;

namespace ServerEvents.Bench.LoadGenerator.Measurement;

/// <summary>
/// A thread-safe log-linear histogram of latencies in microseconds: exact below 256 µs, then 128 buckets per
/// power of two (under 0.8 % error), so percentiles from several processes can be merged exactly.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int LinearLimit = 256;
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int BucketCount = LinearLimit + (64 - SubBucketBits) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>How many values were recorded.</summary>
    public long Count => _counts.Sum();

    /// <summary>Records one latency.</summary>
    public void Record(long microseconds) => Interlocked.Increment(ref _counts[IndexOf(Math.Max(0, microseconds))]);

    /// <summary>Adds every count of <paramref name="other"/>.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), in microseconds; 0 when empty.</summary>
    public long Percentile(double q)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(1, rank))
            {
                return ValueOf(i);
            }
        }

        return ValueOf(BucketCount - 1);
    }

    /// <summary>The non-empty buckets as (index, count) pairs, for sending to the coordinator.</summary>
    public long[][] ToSparse() =>
        [.. _counts.Select((count, index) => (count, index)).Where(b => b.count > 0).Select(b => new long[] { b.index, b.count })];

    /// <summary>Rebuilds a histogram from <see cref="ToSparse"/>.</summary>
    public static LatencyHistogram FromSparse(IEnumerable<long[]> buckets)
    {
        var histogram = new LatencyHistogram();
        foreach (var bucket in buckets)
        {
            histogram._counts[bucket[0]] += bucket[1];
        }

        return histogram;
    }

    private static int IndexOf(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        var shift = BitOperations.Log2((ulong)value) - SubBucketBits;
        return LinearLimit + ((shift - 1) * SubBuckets) + (int)((value >> shift) - SubBuckets);
    }

    // The middle of the bucket, so the error is at most half a bucket either way.
    private static long ValueOf(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var shift = ((index - LinearLimit) / SubBuckets) + 1;
        var mantissa = ((index - LinearLimit) % SubBuckets) + SubBuckets;
        return (mantissa << shift) + ((1L << shift) / 2);
    }
}
