using Microsoft.Extensions.Options;

namespace ServerEvents.Api.Admin;

/// <summary>
/// A logger provider that keeps this node's most recent warnings and errors in a bounded ring for the dashboard, so
/// an operator sees what went wrong without a log pipeline. Older entries are dropped; nothing is stored elsewhere.
/// </summary>
[ProviderAlias("AdminDashboard")]
internal sealed class RecentErrorLog(IOptions<AdminOptions> options, TimeProvider time) : ILoggerProvider
{
    // Long messages and stack traces would make every snapshot large: the dashboard shows a line, the log has the rest.
    private const int MaxMessageLength = 300;

    private readonly Lock _lock = new();
    private readonly Queue<RecentError> _entries = new();
    private readonly int _capacity = Math.Max(1, options.Value.RecentErrors);
    private long _nextId;

    /// <summary>The kept entries, oldest first.</summary>
    public IReadOnlyList<RecentError> Snapshot()
    {
        lock (_lock)
        {
            return [.. _entries];
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new RingLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(LogLevel level, string category, string message, Exception? exception)
    {
        if (exception is not null)
        {
            message = $"{message} ({exception.GetType().Name}: {exception.Message})";
        }

        if (message.Length > MaxMessageLength)
        {
            message = string.Concat(message.AsSpan(0, MaxMessageLength - 1), "…");
        }

        lock (_lock)
        {
            _entries.Enqueue(new RecentError(++_nextId, time.GetUtcNow(), level.ToString(), category, message));
            while (_entries.Count > _capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    private sealed class RingLogger(RecentErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Add(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}

/// <summary>A warning or error this node logged.</summary>
/// <param name="Id">Its number on this node, from 1: the dashboard merges snapshots by node and id.</param>
/// <param name="At">When it was logged.</param>
/// <param name="Level">Warning, Error or Critical.</param>
/// <param name="Category">The logger's category, usually the type that logged it.</param>
/// <param name="Message">The message, shortened, with the exception's type and message.</param>
internal sealed record RecentError(long Id, DateTimeOffset At, string Level, string Category, string Message);
