namespace ServerEvents.Grains.Storage;

/// <summary>
/// Shares one storage write among every caller that asks for one while a write is in flight: a caller changes the
/// grain's state, then awaits <see cref="WriteAsync"/>, and is answered by the first write that starts after its
/// change. Callers run on the grain's single-threaded scheduler, so no lock is needed.
/// </summary>
public sealed class WriteCoalescer(Func<Task> write)
{
    private TaskCompletionSource? _next;
    private bool _writing;

    /// <summary>Completes when a write that includes every change made before this call has finished.</summary>
    public Task WriteAsync()
    {
        var next = _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writing)
        {
            _ = PumpAsync();
        }

        return next.Task;
    }

    private async Task PumpAsync()
    {
        _writing = true;
        try
        {
            while (_next is { } round)
            {
                _next = null;
                try
                {
                    await write();
                    round.SetResult();
                }
                catch (Exception ex)
                {
                    round.SetException(ex);
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }
}
