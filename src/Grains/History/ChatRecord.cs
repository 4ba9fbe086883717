namespace ServerEvents.Grains.History;

/// <summary>A public chat message as the chat-history grain stores it.</summary>
[GenerateSerializer, Immutable, Alias("server-events.ChatRecord")]
public sealed record ChatRecord(
    [property: Id(0)] long Id,
    [property: Id(1)] string Channel,
    [property: Id(2)] string FromUserId,
    [property: Id(3)] string FromName,
    [property: Id(4)] string DisplayName,
    [property: Id(5)] string Message,
    [property: Id(6)] bool Private,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] string? ToUserId);
