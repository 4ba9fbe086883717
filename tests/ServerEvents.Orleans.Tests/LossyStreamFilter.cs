using System.Collections.Concurrent;
using Orleans.Streams.Filtering;
using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// A stream filter on the test silo that loses the fan-out messages a test names, as a real stream may (a queue
/// dropped with its silo): the tier must notice from the positions and read what was lost from the log.
/// </summary>
public sealed class LossyStreamFilter : IStreamFilter
{
    private static readonly ConcurrentDictionary<string, Rule> Rules = new(StringComparer.Ordinal);

    /// <summary>Loses every batch of the log of <paramref name="scope"/> that <paramref name="lose"/> picks, until disposed.</summary>
    public static Rule Lose(string scope, Func<LogBatch, bool> lose) => Rules[scope] = new Rule(scope, lose);

    /// <inheritdoc />
    public bool ShouldDeliver(StreamId streamId, object item, string? filterData) =>
        !(item is LogBatch batch && Rules.TryGetValue(streamId.GetKeyAsString(), out var rule) && rule.Picks(batch));

    /// <summary>One scope's losses.</summary>
    public sealed class Rule(string scope, Func<LogBatch, bool> lose) : IDisposable
    {
        private int _lost;

        /// <summary>How many deliveries were lost.</summary>
        public int Lost => Volatile.Read(ref _lost);

        /// <inheritdoc />
        public void Dispose() => Rules.TryRemove(scope, out _);

        internal bool Picks(LogBatch batch)
        {
            if (!lose(batch))
            {
                return false;
            }

            Interlocked.Increment(ref _lost);
            return true;
        }
    }
}
