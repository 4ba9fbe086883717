using System.Text.Json;
using Npgsql;
using ServerEvents.Subscriptions;

namespace ServerEvents.Postgres.Directory;

/// <summary>How a <see cref="SubscriptionInfo"/> maps to a row of <c>subscriptions</c>.</summary>
internal static class SubscriptionRow
{
    /// <summary>The columns <see cref="Read"/> expects, in order; prefix-free so they can follow <c>RETURNING</c>.</summary>
    public const string Columns = "id, node_id, channels, user_id, user_name, display_name, session_id, profile_url, is_authenticated, created_at, meta";

    public static SubscriptionInfo Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        NodeId = reader.GetString(1),
        Channels = reader.GetFieldValue<string[]>(2),
        UserId = reader.GetString(3),
        UserName = reader.IsDBNull(4) ? null : reader.GetString(4),
        DisplayName = reader.GetString(5),
        SessionId = reader.IsDBNull(6) ? null : reader.GetString(6),
        ProfileUrl = reader.IsDBNull(7) ? null : reader.GetString(7),
        IsAuthenticated = reader.GetBoolean(8),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(9),
        Meta = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(10)) ?? [],
    };
}
