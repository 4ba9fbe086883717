using Microsoft.Extensions.Time.Testing;
using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Tests;

/// <summary>The log's calls to its observers: at once after a quiet spell, at least the spacing apart while busy.</summary>
public sealed class ObserverCallPacerTests
{
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(3);

    [Fact]
    public void The_first_call_goes_at_once()
    {
        var pacer = new ObserverCallPacer(Spacing, new FakeTimeProvider());

        Assert.True(pacer.WaitTurnAsync(full: false).IsCompleted);
    }

    [Fact]
    public async Task A_call_that_follows_another_closely_waits_out_the_rest_of_the_spacing()
    {
        var time = new FakeTimeProvider();
        var pacer = new ObserverCallPacer(Spacing, time);
        await pacer.WaitTurnAsync(full: false);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var next = pacer.WaitTurnAsync(full: false).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10));

        // Spaced from when it went, not from when it asked.
        var third = pacer.WaitTurnAsync(full: false).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_call_after_a_quiet_spell_goes_at_once()
    {
        var time = new FakeTimeProvider();
        var pacer = new ObserverCallPacer(Spacing, time);
        Assert.True(pacer.WaitTurnAsync(full: false).IsCompleted);

        time.Advance(Spacing);

        Assert.True(pacer.WaitTurnAsync(full: false).IsCompleted);
    }

    [Fact]
    public void A_full_call_goes_at_once()
    {
        var pacer = new ObserverCallPacer(Spacing, new FakeTimeProvider());
        Assert.True(pacer.WaitTurnAsync(full: false).IsCompleted);

        Assert.True(pacer.WaitTurnAsync(full: true).IsCompleted);
    }

    [Fact]
    public async Task A_wait_ends_when_its_call_becomes_full()
    {
        var time = new FakeTimeProvider();
        var pacer = new ObserverCallPacer(Spacing, time);
        await pacer.WaitTurnAsync(full: false);

        var next = pacer.WaitTurnAsync(full: false).AsTask();
        Assert.False(next.IsCompleted);
        pacer.CallNow();

        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void No_spacing_lets_every_call_go_at_once()
    {
        var pacer = new ObserverCallPacer(TimeSpan.Zero, new FakeTimeProvider());

        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(pacer.WaitTurnAsync(full: false).IsCompleted));
    }

    [Fact]
    public void A_negative_spacing_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ObserverCallPacer(TimeSpan.FromMilliseconds(-1), TimeProvider.System));
    }
}
