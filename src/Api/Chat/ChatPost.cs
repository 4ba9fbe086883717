using ServerEvents.Endpoints;

namespace ServerEvents.Api.Chat;

/// <summary>The fields of a chat or raw post, from a JSON or form body.</summary>
/// <param name="From">The sender's subscription id.</param>
/// <param name="Message">The text (chat) or the message to relay (raw).</param>
/// <param name="ToUserId">The recipient of a private message, if any.</param>
/// <param name="Selector">The selector to publish with.</param>
internal sealed record ChatPost(string? From, string? Message, string? ToUserId, string Selector)
{
    public const string DefaultSelector = "cmd.chat";

    public static ChatPost Read(RequestFields fields) => new(
        fields.Get("from"),
        fields.Get("message") is { Length: > 0 } message ? message : null,
        fields.Get("toUserId") is { Length: > 0 } to ? to : null,
        fields.Get("selector") is { Length: > 0 } selector ? selector : DefaultSelector);
}
