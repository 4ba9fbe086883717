using System.Collections.Concurrent;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// A grain call filter on the test silo that holds the stream pub-sub calls (subscribing, unsubscribing) for the log of
/// a scope a test names, as a pub-sub grain on a silo that has just died holds them until Orleans' response timeout:
/// a front-end must not need them to catch up from the log.
/// </summary>
public sealed class StalledPubSubFilter : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, Stall> Stalls = new(StringComparer.Ordinal);

    /// <summary>Holds the pub-sub calls of the log of <paramref name="scope"/> until disposed.</summary>
    public static Stall Hold(string scope) => Stalls[scope] = new Stall(scope);

    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.InterfaceMethod?.Name is "RegisterConsumer" or "UnregisterConsumer"
            && Stalls.Values.FirstOrDefault(s => context.TargetId.ToString().Contains(s.Scope, StringComparison.Ordinal)) is { } stall)
        {
            stall.Holding.TrySetResult();
            await stall.Released.Task;
        }

        await context.Invoke();
    }

    /// <summary>One scope's held calls, released when disposed.</summary>
    public sealed class Stall(string scope) : IDisposable
    {
        internal string Scope { get; } = scope;

        internal TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the first call is held.</summary>
        public Task FirstHeld => Holding.Task;

        /// <inheritdoc />
        public void Dispose()
        {
            Stalls.TryRemove(Scope, out _);
            Released.TrySetResult();
        }
    }
}
