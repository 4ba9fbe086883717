using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ServerEvents.Authorization;
using ServerEvents.Endpoints;
using ServerEvents.Hosting;
using Xunit;

namespace ServerEvents.Testing;

/// <summary>
/// Per-channel authorization over HTTP against the real server, on whichever cluster tier a subclass starts:
/// <c>user-{id}</c> channels only for that user (an <c>IAuthorizationService</c> policy), <c>staff-*</c> decided by a
/// callback, and <c>news</c> open to subscribers but published to only by editors. A refused channel is 403 naming
/// it, creates nothing and announces nothing.
/// </summary>
public abstract class ChannelAuthorizationContractTests : IAsyncLifetime
{
    private const string OwnUserChannel = "OwnUserChannel";
    private const string Editors = "Editors";

    private static readonly TestUser Alice = new("alice", "alice", "Alice");
    private static readonly TestUser Bob = new("bob", "bob", "Bob");
    private static readonly TestUser Carol = new("carol", "carol", "Carol");

    private LoopbackServer _server = null!;

    /// <summary>Starts a server on the tier under test, applying <paramref name="configure"/> and <paramref name="build"/>.</summary>
    protected abstract Task<LoopbackServer> StartServerAsync(Action<ServerEventsOptions> configure, Action<WebApplicationBuilder> build, Action<WebApplication> map);

    /// <summary>Stops what <see cref="StartServerAsync"/> started beyond the server, if anything.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await StartServerAsync(
        options => options.Channels
            .Authorize("user-*", subscribe: OwnUserChannel, publish: OwnUserChannel)
            .Authorize("news", publish: Editors)
            .Authorize("staff-*", context => ValueTask.FromResult(context.User.Identity?.Name == "alice")),
        builder => builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OwnUserChannel, policy => policy.RequireAssertion(context =>
                context.Resource is string channel && channel == "user-" + context.User.FindFirstValue(ClaimTypes.NameIdentifier)))
            .AddPolicy(Editors, policy => policy.RequireAssertion(context => context.User.Identity?.Name == "alice")),
        // An application's publish route, as the chat's post routes do it: authorize for the caller, then publish.
        app => app.MapPost("/publish/{channel}", async (HttpContext context, string channel, ChannelAuthorizer channels, IServerEvents events) =>
            {
                await channels.EnsureMayPublishAsync(context, channel);
                return await events.NotifyChannelAsync(channel, "cmd.announce", "hello", context.RequestAborted);
            })
            .AddEndpointFilter<BadInputFilter>());

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await CleanUpAsync();
    }

    [Fact]
    public async Task A_user_opens_their_own_channel_and_another_user_is_refused_403_naming_it_with_no_join_notice()
    {
        using var alice = _server.CreateClient(Alice);
        using var bob = _server.CreateClient(Bob);
        using var carol = _server.CreateClient(Carol);
        await using var own = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home,user-alice");
        Assert.Equal("home,user-alice", own.Connect["channels"]);

        using var refused = await bob.GetAsync("event-stream?channels=home,user-alice", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("You may not subscribe to channel 'user-alice'.", await ErrorMessageAsync(refused));
        await AssertNobodyJoinedBeforeAsync(own, carol, "home", "bob");
        Assert.DoesNotContain(await _server.ServerEvents.GetSubscriptionsDetailsAsync(), s => s.UserId == "bob");
    }

    [Fact]
    public async Task An_anonymous_caller_is_refused_a_user_channel()
    {
        using var anonymous = _server.CreateClient();

        using var refused = await anonymous.GetAsync("event-stream?channels=user-alice", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("'user-alice'", await ErrorMessageAsync(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_callback_rule_decides_by_the_caller()
    {
        using var alice = _server.CreateClient(Alice);
        using var bob = _server.CreateClient(Bob);

        await using var allowed = await EventStreamReader.OpenAsync(alice, "event-stream?channels=staff-room");
        using var refused = await bob.GetAsync("event-stream?channels=staff-room", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("staff-room", allowed.Connect["channels"]);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("You may not subscribe to channel 'staff-room'.", await ErrorMessageAsync(refused));
    }

    [Fact]
    public async Task An_update_adding_a_refused_channel_is_403_and_leaves_the_subscription_unchanged()
    {
        using var alice = _server.CreateClient(Alice);
        using var bob = _server.CreateClient(Bob);
        using var carol = _server.CreateClient(Carol);
        await using var watcher = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home");
        await using var stream = await EventStreamReader.OpenAsync(bob, "event-stream?channels=home");
        await watcher.WaitForAsync(f => f.FullSelector == "home@cmd.onJoin" && f.Info["userId"] == "bob");

        using var response = await bob.PostAsync(
            stream.Connect["updateSubscriberUrl"],
            new StringContent("""{"unsubscribeChannels":"home","subscribeChannels":"lobby,user-alice"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("You may not subscribe to channel 'user-alice'.", await ErrorMessageAsync(response));
        Assert.Equal(["home"], (await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.Channels);

        // Nothing was announced: the next notice the watcher sees is Carol's join, not an update of Bob's.
        await using var later = await EventStreamReader.OpenAsync(carol, "event-stream?channels=home");
        await watcher.WaitForAsync(f => f.FullSelector == "home@cmd.onJoin" && f.Info["userId"] == "carol");
        Assert.DoesNotContain(watcher.Received, f => f.Selector == "cmd.onUpdate");
    }

    [Fact]
    public async Task An_update_the_rules_allow_goes_through()
    {
        using var alice = _server.CreateClient(Alice);
        await using var stream = await EventStreamReader.OpenAsync(alice, "event-stream?channels=home");

        using var response = await alice.PostAsync(
            stream.Connect["updateSubscriberUrl"],
            new StringContent("""{"subscribeChannels":"user-alice"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["home", "user-alice"], (await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.Channels);
    }

    [Fact]
    public async Task Publishing_needs_the_publish_policy_and_a_refused_publish_reaches_nobody()
    {
        using var alice = _server.CreateClient(Alice);
        using var bob = _server.CreateClient(Bob);
        await using var reader = await EventStreamReader.OpenAsync(bob, "event-stream?channels=news");

        using var refused = await bob.PostAsync("publish/news", content: null);
        using var published = await alice.PostAsync("publish/news", content: null);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("You may not publish to channel 'news'.", await ErrorMessageAsync(refused));
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var id = await published.Content.ReadFromJsonAsync<long>();
        var announce = await reader.WaitForAsync("news@cmd.announce");
        Assert.Equal(id, announce.EventId);
        Assert.Single(reader.Received, f => f.Selector == "cmd.announce");
    }

    /// <summary>
    /// Opens a stream for <paramref name="sentinel"/> in <paramref name="channel"/> and waits for its join on
    /// <paramref name="watcher"/>: notices arrive in log order, so a join of <paramref name="userId"/> would have come first.
    /// </summary>
    private static async Task AssertNobodyJoinedBeforeAsync(EventStreamReader watcher, HttpClient sentinel, string channel, string userId)
    {
        await using var stream = await EventStreamReader.OpenAsync(sentinel, "event-stream?channels=" + channel);
        await watcher.WaitForAsync(f => f.FullSelector == channel + "@cmd.onJoin" && f.Info["userId"] == stream.Connect["userId"]);
        Assert.DoesNotContain(watcher.Received, f => f.Selector == "cmd.onJoin" && f.Info["userId"] == userId);
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("responseStatus").GetProperty("message").GetString()!;
    }
}
