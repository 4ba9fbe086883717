using System.Collections.Concurrent;
using Orleans.Streams.Filtering;
using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// A stream filter and an outgoing call filter on the test silo that lose the fan-out batches a test names, on the
/// stream and on the calls to the front-ends' observers alike, as a real fan-out may (a queue dropped with its silo, a
/// one-way message lost): the tier must notice from the positions and read what was lost from the log.
/// </summary>
public sealed class LossyFanOut : IStreamFilter, IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, Rule> Rules = new(StringComparer.Ordinal);

    /// <summary>
    /// Loses every batch of the log of <paramref name="scope"/> that <paramref name="lose"/> picks, on
    /// <paramref name="transport"/> only when one is named, until disposed.
    /// </summary>
    public static Rule Lose(string scope, Func<LogBatch, bool> lose, FanOutTransport? transport = null) =>
        Rules[scope] = new Rule(scope, lose, transport);

    /// <inheritdoc />
    public bool ShouldDeliver(StreamId streamId, object item, string? filterData) =>
        !(item is LogBatch batch && Picks(streamId.GetKeyAsString(), batch, FanOutTransport.Streams));

    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        // The log grain (keyed by its scope) calling an observer with a batch; a one-way call not made is a lost one.
        if (context.Request.GetInterfaceType() == typeof(ILogBatchObserver)
            && context.Request.GetArgumentCount() == 1
            && context.Request.GetArgument(0) is LogBatch batch
            && context.SourceId is { } source
            && Picks(source.Key.ToString(), batch, FanOutTransport.Observers))
        {
            return Task.CompletedTask;
        }

        return context.Invoke();
    }

    private static bool Picks(string scope, LogBatch batch, FanOutTransport transport) =>
        Rules.TryGetValue(scope, out var rule) && rule.Picks(batch, transport);

    /// <summary>One scope's losses.</summary>
    public sealed class Rule(string scope, Func<LogBatch, bool> lose, FanOutTransport? transport) : IDisposable
    {
        private int _lost;

        /// <summary>How many deliveries were lost.</summary>
        public int Lost => Volatile.Read(ref _lost);

        /// <inheritdoc />
        public void Dispose() => Rules.TryRemove(scope, out _);

        internal bool Picks(LogBatch batch, FanOutTransport on)
        {
            if ((transport is { } only && only != on) || !lose(batch))
            {
                return false;
            }

            Interlocked.Increment(ref _lost);
            return true;
        }
    }
}
