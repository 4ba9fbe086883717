namespace ServerEvents.Grains.History;

/// <summary>Up to <see cref="Size"/> messages of a channel, stored as one record; only the newest page is written.</summary>
[GenerateSerializer, Alias("server-events.ChatHistoryPage")]
public sealed class ChatHistoryPage
{
    /// <summary>Messages per page.</summary>
    public const int Size = 64;

    /// <summary>The messages, in arrival order.</summary>
    [Id(0)]
    public List<ChatRecord> Messages { get; set; } = [];
}
