using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ServerEvents.Tests;

/// <summary>
/// A request that carries another session or user than the subscription's own cannot move, pulse or remove it
/// (403); its owner can, and so can a caller that carries neither (a ServiceStack client that knows its own id).
/// </summary>
public sealed class SubscriptionAccessTests : IAsyncLifetime
{
    private static readonly TestUser Alice = new("1", "alice", "Alice");
    private static readonly TestUser Mallory = new("2", "mallory", "Mallory");

    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(SideEndpoints.All), MemberType = typeof(SideEndpoints))]
    public async Task Another_session_is_refused_403_and_nothing_changes(string endpoint)
    {
        using var owner = _server.CreateClient(sessionId: "owner-session");
        using var other = _server.CreateClient(sessionId: "other-session");
        await using var stream = await EventStreamReader.OpenAsync(owner, "event-stream?channels=home");

        using var response = await other.SendAsync(SideEndpoints.ValidRequest(endpoint, stream));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("belongs to another", await EndpointTests.ErrorMessageAsync(response), StringComparison.Ordinal);
        Assert.Equal(["home"], (await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.Channels);
        Assert.DoesNotContain(stream.Received, f => f.Selector == "cmd.onHeartbeat");
    }

    [Theory]
    [InlineData("update")]
    [InlineData("heartbeat")]
    [InlineData("unregister")]
    public async Task Another_signed_in_user_is_refused_403(string endpoint)
    {
        using var owner = _server.CreateClient(Alice);
        using var other = _server.CreateClient(Mallory);
        await using var stream = await EventStreamReader.OpenAsync(owner, "event-stream?channels=home");

        using var response = await other.SendAsync(SideEndpoints.ValidRequest(endpoint, stream));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.NotNull(await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId));
    }

    [Theory]
    [MemberData(nameof(SideEndpoints.All), MemberType = typeof(SideEndpoints))]
    public async Task The_owners_session_and_a_headerless_client_may_act(string endpoint)
    {
        using var owner = _server.CreateClient(sessionId: "owner-session");
        using var headerless = _server.CreateClient();
        await using var first = await EventStreamReader.OpenAsync(owner, "event-stream?channels=home");
        await using var second = await EventStreamReader.OpenAsync(owner, "event-stream?channels=home");

        using var byOwner = await owner.SendAsync(SideEndpoints.ValidRequest(endpoint, first));
        using var byHeaderless = await headerless.SendAsync(SideEndpoints.ValidRequest(endpoint, second));

        Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byHeaderless.StatusCode);
    }

    [Theory]
    [MemberData(nameof(SideEndpoints.All), MemberType = typeof(SideEndpoints))]
    public async Task A_session_the_app_issues_to_a_cookieless_request_counts_as_none(string endpoint)
    {
        // As src/Api does: a request without a session cookie is given one, in the response and in the request.
        await using var server = await LoopbackServer.StartAsync(map: app => app.Use(async (context, next) =>
        {
            if (!context.Request.Cookies.ContainsKey("ss-id"))
            {
                var issued = Guid.NewGuid().ToString("N");
                context.Request.Headers.Append("Cookie", "ss-id=" + issued);
                context.Response.Cookies.Append("ss-id", issued);
            }

            await next(context);
        }));
        using var cookieless = server.CreateClient();
        using var other = server.CreateClient(sessionId: "other-session");
        await using var stream = await EventStreamReader.OpenAsync(cookieless, "event-stream?channels=home");
        Assert.NotNull((await server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.SessionId);

        using var byOther = await other.SendAsync(SideEndpoints.ValidRequest(endpoint, stream));
        using var byCookieless = await cookieless.SendAsync(SideEndpoints.ValidRequest(endpoint, stream));

        Assert.Equal(HttpStatusCode.Forbidden, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byCookieless.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_owner_may_act_from_another_session()
    {
        using var owner = _server.CreateClient(Alice, sessionId: "phone");
        using var sameUser = _server.CreateClient(Alice, sessionId: "laptop");
        await using var stream = await EventStreamReader.OpenAsync(owner, "event-stream?channels=home");

        using var response = await sameUser.SendAsync(SideEndpoints.ValidRequest("update", stream));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["home", "elsewhere"], (await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.Channels);
    }
}
