using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerEvents.Cluster;
using ServerEvents.Postgres.Events;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// The appender under a database that stalls: a transaction holding the log head's row lock blocks every append,
/// as a slow or overloaded database would, until the test lets go.
/// </summary>
public sealed class EventLogAppenderTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestSchema _schema = new();
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        var node = _schema.Own(await PostgresNode.StartAsync(_schema.Name));
        _dataSource = node.Services.GetRequiredService<NpgsqlDataSource>();
    }

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_full_queue_makes_publishers_wait_then_refuses_them_as_busy_and_appends_only_what_it_took()
    {
        await using var appender = NewAppender(capacity: 2, queueTimeout: TimeSpan.FromMilliseconds(300));
        long[] positions;
        await using (var stall = await StallAsync())
        {
            var inFlight = appender.AppendAsync(Entry(0), CancellationToken.None);
            await stall.BlocksAnAppendAsync();
            var queued = new[] { appender.AppendAsync(Entry(1), CancellationToken.None), appender.AppendAsync(Entry(2), CancellationToken.None) };

            var refused = await Assert.ThrowsAsync<ClusterBusyException>(() => appender.AppendAsync(Entry(3), CancellationToken.None));
            Assert.Contains("not keeping up", refused.Message, StringComparison.Ordinal);
            Assert.False(inFlight.IsCompleted);

            await stall.ReleaseAsync();
            positions = await Task.WhenAll(queued.Prepend(inFlight));
        }

        Assert.Equal([1L, 2L, 3L], positions);
        Assert.Equal(3L, await CountAsync());
    }

    [Fact]
    public async Task A_publish_whose_caller_gave_up_before_it_was_taken_is_never_appended()
    {
        await using var appender = NewAppender(capacity: 10, queueTimeout: TimeSpan.FromSeconds(5));
        await using var stall = await StallAsync();
        var kept = appender.AppendAsync(Entry(0), CancellationToken.None);
        await stall.BlocksAnAppendAsync();
        using var giveUp = new CancellationTokenSource();
        var abandoned = appender.AppendAsync(Entry(1), giveUp.Token);

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await stall.ReleaseAsync();

        Assert.Equal(1L, await kept);
        var after = await appender.AppendAsync(Entry(2), CancellationToken.None);
        Assert.Equal(2L, after);
        Assert.Equal(2L, await CountAsync());
    }

    [Fact]
    public async Task Shutdown_is_bounded_under_a_stalled_database_and_fails_what_it_could_not_append()
    {
        var appender = NewAppender(capacity: 10, queueTimeout: TimeSpan.FromSeconds(5), shutdownTimeout: TimeSpan.FromMilliseconds(500));
        await using var stall = await StallAsync();
        var inFlight = appender.AppendAsync(Entry(0), CancellationToken.None);
        await stall.BlocksAnAppendAsync();
        var queued = appender.AppendAsync(Entry(1), CancellationToken.None);

        var clock = Stopwatch.StartNew();
        await appender.DisposeAsync().AsTask().WaitAsync(Deadline);
        clock.Stop();

        await Assert.ThrowsAsync<ClusterBusyException>(() => inFlight);
        await Assert.ThrowsAsync<ClusterBusyException>(() => queued);
        await Assert.ThrowsAsync<ClusterBusyException>(() => appender.AppendAsync(Entry(2), CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Shutdown took {clock.Elapsed}.");
        await stall.ReleaseAsync();
        Assert.Equal(0L, await CountAsync());
    }

    private EventLogAppender NewAppender(int capacity, TimeSpan queueTimeout, TimeSpan? shutdownTimeout = null) =>
        new(_dataSource, new PostgresClusterOptions
        {
            Channel = "appender_test",
            AppendQueueCapacity = capacity,
            AppendQueueTimeout = queueTimeout,
            AppendShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(10),
        });

    private static LogEntry Entry(int n) =>
        LogEntry.ForEvent(new OutgoingEvent(EventTarget.All, "cmd.item", n.ToString(System.Globalization.CultureInfo.InvariantCulture)), DateTimeOffset.UtcNow);

    /// <summary>Holds the head's row lock in an open transaction until it is released.</summary>
    private async Task<Stall> StallAsync()
    {
        var connection = await _dataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT position FROM event_log_head FOR UPDATE", connection, transaction);
        await command.ExecuteScalarAsync();
        return new Stall(_dataSource, connection, transaction);
    }

    private sealed class Stall(NpgsqlDataSource dataSource, NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        /// <summary>Waits until an append is blocked behind this lock inside PostgreSQL: the writer has sent its batch.</summary>
        public async Task BlocksAnAppendAsync()
        {
            var clock = Stopwatch.StartNew();
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))");
            command.Parameters.Add(new NpgsqlParameter { Value = connection.ProcessID });
            while ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                Assert.True(clock.Elapsed < Deadline, "No append ever waited for the stalled head.");
            }
        }

        public Task ReleaseAsync() => transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private async Task<long> CountAsync()
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM event_log");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
