using Orleans.Concurrency;

namespace ServerEvents.Grains.History;

/// <summary>The public messages of one channel (keyed <c>{scope}/{channel}</c>), oldest dropped past a cap.</summary>
[Alias("server-events.IChatHistoryGrain")]
public interface IChatHistoryGrain : IGrainWithStringKey
{
    /// <summary>Stores a message, keeping at most about <paramref name="cap"/>; answered once it is durable.</summary>
    [Alias("Append")]
    Task AppendAsync(ChatRecord message, int cap);

    /// <summary>The last <paramref name="take"/> messages with an id above <paramref name="afterId"/>, oldest first.</summary>
    [Alias("Get"), ReadOnly]
    Task<IReadOnlyList<ChatRecord>> GetAsync(long afterId, int take);

    /// <summary>Removes every message and returns how many there were.</summary>
    [Alias("Clear")]
    Task<int> ClearAsync();
}
