namespace ServerEvents.Client.Tests;

/// <summary>Exponential back-off with full jitter, capped, reset after a successful connect.</summary>
public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Each_delay_is_random_below_a_ceiling_that_doubles_up_to_the_cap()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000));
        double[] ceilings = [100, 200, 400, 800, 1000, 1000, 1000];
        foreach (var ceiling in ceilings)
        {
            var delay = backoff.Next();
            Assert.InRange(delay.TotalMilliseconds, 0, ceiling);
        }

        Assert.Equal(ceilings.Length, backoff.Attempt);
    }

    [Fact]
    public void Delays_are_jittered_not_fixed()
    {
        var delays = Enumerable.Range(0, 50).Select(_ =>
        {
            var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
            return backoff.Next();
        }).Distinct().Count();

        Assert.True(delays > 40, $"Only {delays} distinct delays out of 50.");
    }

    [Fact]
    public void The_ceiling_reaches_the_cap_and_stays_there_however_many_attempts()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        var largest = Enumerable.Range(0, 2000).Max(_ => backoff.Next());
        Assert.InRange(largest.TotalSeconds, 20, 30);
    }

    [Fact]
    public void Reset_starts_again_from_the_base_delay()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(30));
        for (var i = 0; i < 20; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        Assert.Equal(0, backoff.Attempt);
        Assert.InRange(backoff.Next().TotalMilliseconds, 0, 10);
    }
}
