using ServerEvents.Cluster;
using ServerEvents.Cluster.Embedded;
using ServerEvents.Subscriptions;

namespace ServerEvents.Tests;

/// <summary>Anonymous users are numbered from blocks reserved in the cluster-wide sequence.</summary>
public sealed class AnonymousUserNumbersTests
{
    [Fact]
    public async Task Concurrent_callers_get_distinct_numbers_and_the_sequence_is_visited_once_per_block()
    {
        var sequences = new CountingSequenceStore(new InMemorySequenceStore());
        var numbers = new AnonymousUserNumbers(sequences);
        var callers = AnonymousUserNumbers.BlockSize * 2 + 50;

        var given = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () => await numbers.NextAsync(CancellationToken.None))));

        Assert.Equal(Enumerable.Range(1, callers).Select(n => (long)n), given.Order());
        Assert.Equal(3, sequences.Reservations);
    }

    [Fact]
    public async Task Two_nodes_on_one_sequence_never_hand_out_the_same_number()
    {
        var shared = new InMemorySequenceStore();
        var nodeA = new AnonymousUserNumbers(shared);
        var nodeB = new AnonymousUserNumbers(shared);

        var given = new List<long>();
        for (var i = 0; i < AnonymousUserNumbers.BlockSize * 3; i++)
        {
            given.Add(await nodeA.NextAsync(CancellationToken.None));
            given.Add(await nodeB.NextAsync(CancellationToken.None));
        }

        Assert.Equal(given.Count, given.Distinct().Count());

        // Each node counts on within its own block, so neighbours from one node are consecutive.
        Assert.Equal(given[0] + 1, given[2]);
        Assert.Equal(given[1] + 1, given[3]);
    }

    [Fact]
    public async Task A_cancelled_caller_gives_up_without_spoiling_the_block_for_the_next()
    {
        var numbers = new AnonymousUserNumbers(new InMemorySequenceStore());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await numbers.NextAsync(new CancellationToken(canceled: true)));

        Assert.Equal(1, await numbers.NextAsync(CancellationToken.None));
        Assert.Equal(2, await numbers.NextAsync(CancellationToken.None));
    }

    /// <summary>The real in-memory store, counting how often it is asked.</summary>
    private sealed class CountingSequenceStore(ISequenceStore inner) : ISequenceStore
    {
        private int _reservations;

        public int Reservations => Volatile.Read(ref _reservations);

        public ValueTask<long> ReserveAsync(string name, int count, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reservations);
            return inner.ReserveAsync(name, count, cancellationToken);
        }

        public ValueTask<long> GetOrReserveAsync(string name, string key, CancellationToken cancellationToken = default) =>
            inner.GetOrReserveAsync(name, key, cancellationToken);
    }
}

/// <summary>An anonymous session keeps the number it was first given, however many of its streams race for it.</summary>
public sealed class AnonymousSessionNumbersTests
{
    [Fact]
    public async Task Racing_streams_of_one_session_share_one_number_and_other_sessions_get_their_own()
    {
        var sessions = new AnonymousSessionNumbers(new InMemorySequenceStore());

        var racing = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await sessions.GetAsync("a", CancellationToken.None))));
        var other = await sessions.GetAsync("b", CancellationToken.None);

        Assert.Single(racing.Distinct());
        Assert.NotEqual(racing[0], other);
        Assert.Equal(racing[0], await sessions.GetAsync("a", CancellationToken.None));
    }

    [Fact]
    public void The_user_id_of_a_session_is_stable_and_does_not_reveal_the_session_id()
    {
        var id = SubscriberIdentityResolver.AnonymousSessionUserId("secret-session");

        Assert.Equal(id, SubscriberIdentityResolver.AnonymousSessionUserId("secret-session"));
        Assert.NotEqual(id, SubscriberIdentityResolver.AnonymousSessionUserId("secret-sessioN"));
        Assert.DoesNotContain("secret", id, StringComparison.Ordinal);
        Assert.StartsWith("-", id, StringComparison.Ordinal);
    }
}
