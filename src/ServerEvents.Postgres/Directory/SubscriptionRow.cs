using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
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

    /// <summary>Adds the values of <see cref="Columns"/> as <c>$1</c> to <c>$11</c>.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, SubscriptionInfo info)
    {
        parameters.Add(new NpgsqlParameter { Value = info.Id });
        parameters.Add(new NpgsqlParameter { Value = info.NodeId });
        parameters.Add(new NpgsqlParameter { Value = info.Channels.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = info.UserId });
        parameters.Add(Text(info.UserName));
        parameters.Add(new NpgsqlParameter { Value = info.DisplayName });
        parameters.Add(Text(info.SessionId));
        parameters.Add(Text(info.ProfileUrl));
        parameters.Add(new NpgsqlParameter { Value = info.IsAuthenticated });
        parameters.Add(new NpgsqlParameter { Value = info.CreatedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(info.Meta), NpgsqlDbType = NpgsqlDbType.Jsonb });
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
