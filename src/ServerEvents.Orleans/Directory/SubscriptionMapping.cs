using ServerEvents.Grains.Directory;
using ServerEvents.Subscriptions;

namespace ServerEvents.Orleans.Directory;

/// <summary>Converts between the front-end's subscription info and the record the grains store.</summary>
internal static class SubscriptionMapping
{
    public static SubscriptionRecord ToRecord(this SubscriptionInfo info) => new()
    {
        Id = info.Id,
        UserId = info.UserId,
        UserName = info.UserName,
        DisplayName = info.DisplayName,
        SessionId = info.SessionId,
        ProfileUrl = info.ProfileUrl,
        IsAuthenticated = info.IsAuthenticated,
        Channels = [.. info.Channels],
        CreatedAt = info.CreatedAt,
        NodeId = info.NodeId,
        Meta = new Dictionary<string, string>(info.Meta, StringComparer.Ordinal),
    };

    public static SubscriptionInfo ToInfo(this SubscriptionRecord record) => new()
    {
        Id = record.Id,
        UserId = record.UserId,
        UserName = record.UserName,
        DisplayName = record.DisplayName,
        SessionId = record.SessionId,
        ProfileUrl = record.ProfileUrl,
        IsAuthenticated = record.IsAuthenticated,
        Channels = record.Channels,
        CreatedAt = record.CreatedAt,
        NodeId = record.NodeId,
        Meta = record.Meta,
    };
}
