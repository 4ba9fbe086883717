namespace ServerEvents.History;

/// <summary>
/// Public chat messages per channel. The embedded store keeps them in memory; the PostgreSQL tier keeps them
/// durably, so they survive restarts of every node.
/// </summary>
public interface IChatHistoryStore
{
    /// <summary>Stores a public message.</summary>
    ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// The last <paramref name="take"/> messages of <paramref name="channels"/> with an id above
    /// <paramref name="afterId"/>, oldest first.
    /// </summary>
    ValueTask<IReadOnlyList<ChatMessage>> GetAsync(IReadOnlyCollection<string> channels, long afterId, int take, CancellationToken cancellationToken = default);

    /// <summary>Removes every message of a channel.</summary>
    /// <returns>How many were removed.</returns>
    ValueTask<int> ClearAsync(string channel, CancellationToken cancellationToken = default);
}
