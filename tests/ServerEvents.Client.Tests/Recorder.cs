using System.Threading.Channels;

namespace ServerEvents.Client.Tests;

/// <summary>Collects what a client raises, so tests await the item they expect instead of sleeping.</summary>
internal sealed class Recorder<T>
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly Channel<T> _pending = Channel.CreateUnbounded<T>();
    private readonly List<T> _all = [];

    /// <summary>Everything recorded so far, in order.</summary>
    public IReadOnlyList<T> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public void Add(T item)
    {
        lock (_all)
        {
            _all.Add(item);
        }

        _pending.Writer.TryWrite(item);
    }

    /// <summary>Skips items until one matches; fails after <paramref name="timeout"/>.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var item = await _pending.Reader.ReadAsync(cts.Token);
                if (match(item))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Nothing matching arrived within {timeout ?? DefaultTimeout}. Recorded: {string.Join(" | ", All)}");
        }
    }

    /// <summary>The next item, whatever it is.</summary>
    public Task<T> NextAsync(TimeSpan? timeout = null) => WaitForAsync(_ => true, timeout);
}
