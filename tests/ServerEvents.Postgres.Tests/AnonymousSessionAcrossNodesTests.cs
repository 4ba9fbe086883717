using System.Security.Cryptography;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// An anonymous browser session is one <c>userN</c> on every front-end and after any of them restarts: the number
/// belongs to the session in the cluster tier, not to the node that first saw it.
/// </summary>
public sealed class AnonymousSessionAcrossNodesTests : IAsyncLifetime
{
    private readonly TestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_session_has_the_same_anonymous_name_on_every_node_and_after_a_node_restarts()
    {
        var settings = ApiNode.Settings(_schema.Name);

        // Nothing here is about expiry: a subscription must not expire while a loaded machine is slow to write its opening.
        settings["ServerEvents__IdleTimeout"] = "00:01:00";
        settings["ServerEvents__HeartbeatInterval"] = "00:00:10";
        var nodes = await Task.WhenAll(ApiNode.StartAsync(settings), ApiNode.StartAsync(settings));
        var (first, second) = (_schema.Own(nodes[0]), _schema.Own(nodes[1]));
        var session = NewSessionId();

        var onFirst = await IdentityAsync(first, session);
        var onSecond = await IdentityAsync(second, session);

        Assert.StartsWith("user", onFirst.DisplayName, StringComparison.Ordinal);
        Assert.Equal(onFirst, onSecond);

        // Another session is another user on either node, and does not disturb the first.
        var other = await IdentityAsync(second, NewSessionId());
        Assert.NotEqual(onFirst.DisplayName, other.DisplayName);
        Assert.NotEqual(onFirst.UserId, other.UserId);

        // A node that restarts has forgotten everything it looked up, so its answer comes from the database.
        await first.DisposeAsync();
        var restarted = _schema.Own(await ApiNode.StartAsync(settings));
        Assert.Equal(onFirst, await IdentityAsync(restarted, session));
        Assert.Equal(other, await IdentityAsync(restarted, other.Session));
    }

    private static async Task<AnonymousIdentity> IdentityAsync(ApiProcess node, string session)
    {
        using var client = node.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "ss-id=" + session);
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        return new AnonymousIdentity(session, stream.Connect["userId"], stream.Connect["displayName"]);
    }

    private static string NewSessionId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private sealed record AnonymousIdentity(string Session, string UserId, string DisplayName);
}
