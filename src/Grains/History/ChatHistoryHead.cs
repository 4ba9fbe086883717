namespace ServerEvents.Grains.History;

/// <summary>Which pages of a channel's history exist: <see cref="First"/> to <see cref="Last"/>.</summary>
[GenerateSerializer, Alias("server-events.ChatHistoryHead")]
public sealed class ChatHistoryHead
{
    /// <summary>The oldest page kept.</summary>
    [Id(0)]
    public long First { get; set; }

    /// <summary>The page new messages go to.</summary>
    [Id(1)]
    public long Last { get; set; }
}
