namespace ServerEvents.Grains.Events;

/// <summary>
/// Spaces the log's calls to its observers while it is busy, the way a producer lingers to fill a batch: a call after
/// a quiet spell goes at once, one that follows another within <see cref="Spacing"/> waits out the rest of it so that
/// whatever commits meanwhile goes out with it, and a wait ends early once the call is full (<see cref="CallNow"/>).
/// Every call costs each front-end a message to read and hand out however few items it carries; spacing them trades
/// a little latency under load for fewer, fuller calls. Used on the grain's single-threaded scheduler, so no lock is
/// needed.
/// </summary>
public sealed class ObserverCallPacer
{
    private readonly TimeProvider _time;
    private TaskCompletionSource? _waiting;
    private long _lastCall;
    private bool _called;

    /// <summary>Creates a pacer.</summary>
    /// <param name="spacing">The least time between calls that are not full; zero lets every call go at once.</param>
    /// <param name="time">The clock.</param>
    public ObserverCallPacer(TimeSpan spacing, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spacing, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        Spacing = spacing;
        _time = time;
    }

    /// <summary>The least time between calls that are not full.</summary>
    public TimeSpan Spacing { get; }

    /// <summary>
    /// Completes when the next call may go (at once when <paramref name="full"/>), and counts it as made then.
    /// </summary>
    public async ValueTask WaitTurnAsync(bool full)
    {
        if (_called && !full)
        {
            var wait = Spacing - _time.GetElapsedTime(_lastCall);
            if (wait > TimeSpan.Zero)
            {
                var waiting = _waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var timeout = new CancellationTokenSource(wait, _time);
                using var expiry = timeout.Token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), waiting);
                await waiting.Task;
                _waiting = null;
            }
        }

        _lastCall = _time.GetTimestamp();
        _called = true;
    }

    /// <summary>Ends a wait at once: the call it holds back is full.</summary>
    public void CallNow() => _waiting?.TrySetResult();
}
