namespace ServerEvents.Grains.Events;

/// <summary>
/// Spaces the log's calls to its observers at least <see cref="Spacing"/> apart while it is busy: a call after a quiet
/// spell goes at once, and one that follows another closely waits out the rest of the spacing, so whatever commits
/// meanwhile goes out with it. Every call costs each front-end a message to read and hand out however few items it
/// carries; spacing them trades at most <see cref="Spacing"/> of latency under load for fewer, fuller calls. Used on
/// the grain's single-threaded scheduler, so no lock is needed.
/// </summary>
public sealed class ObserverCallPacer
{
    private readonly TimeProvider _time;
    private long _lastCall;
    private bool _called;

    /// <summary>Creates a pacer.</summary>
    /// <param name="spacing">The least time between calls; zero lets every call go at once.</param>
    /// <param name="time">The clock.</param>
    public ObserverCallPacer(TimeSpan spacing, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spacing, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        Spacing = spacing;
        _time = time;
    }

    /// <summary>The least time between calls.</summary>
    public TimeSpan Spacing { get; }

    /// <summary>Completes when the next call may go, and counts it as made then.</summary>
    public async ValueTask WaitTurnAsync()
    {
        if (_called)
        {
            var wait = Spacing - _time.GetElapsedTime(_lastCall);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time);
            }
        }

        _lastCall = _time.GetTimestamp();
        _called = true;
    }
}
