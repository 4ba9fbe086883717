using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ServerEvents.Tests;

/// <summary>The side endpoints: heartbeat, unregister, subscribers and their ServiceStack forms.</summary>
public sealed class EndpointTests
{
    [Theory]
    [InlineData("POST")]
    [InlineData("GET")]
    public async Task Heartbeat_answers_an_empty_200_and_pushes_onHeartbeat_to_the_subscription(string method)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), stream.Connect["heartbeatUrl"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        var heartbeat = await stream.WaitForAsync("cmd.onHeartbeat");
        Assert.Equal(stream.Connect["userId"], heartbeat.Info["userId"]);
        Assert.Equal("home", heartbeat.Info["channels"]);
    }

    [Theory]
    [InlineData("event-heartbeat")]
    [InlineData("event-unregister")]
    public async Task Unknown_subscriptions_get_404_with_servicestacks_message(string path)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();

        using var response = await client.PostAsync(path + "?id=nope", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Subscription 'nope' does not exist", await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task Unregister_accepts_get_and_returns_the_public_info()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        var info = await client.GetFromJsonAsync<Dictionary<string, string>>(stream.Connect["unRegisterUrl"]);

        Assert.Equal(stream.Connect["userId"], info!["userId"]);
        Assert.Equal("home", info["channels"]);
        await stream.WaitForEndAsync();
        using var again = await client.GetAsync(stream.Connect["unRegisterUrl"]);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Theory]
    [InlineData("event-subscribers")]
    [InlineData("api/GetEventSubscribers")]
    [InlineData("json/reply/GetEventSubscribers")]
    public async Task Subscribers_lists_each_subscription_of_the_channels_once(string path)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var both = await EventStreamReader.OpenAsync(client, "event-stream?channels=home,work");
        await using var home = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        await using var other = await EventStreamReader.OpenAsync(client, "event-stream?channels=other");

        var inHomeOrWork = await client.GetFromJsonAsync<List<Dictionary<string, string>>>(path + "?channels=home,work");
        var everyone = await client.GetFromJsonAsync<List<Dictionary<string, string>>>(path);

        Assert.Equal(new[] { both.Connect["userId"], home.Connect["userId"] }.Order(), inHomeOrWork!.Select(s => s["userId"]).Order());
        Assert.Equal(3, everyone!.Count);
        Assert.All(everyone, s => Assert.False(s.ContainsKey("id")));
    }

    public static TheoryData<string, string, string> UpdateBodies => new()
    {
        { "application/json", "{\"subscribeChannels\":[\"work\",\"play\"],\"unsubscribeChannels\":[\"home\"]}", "work,play" },
        { "application/json", "{\"SubscribeChannels\":\"work,play\",\"UNSUBSCRIBECHANNELS\":\"home\"}", "work,play" },
        { "application/x-www-form-urlencoded", "subscribeChannels=work,play&unsubscribeChannels=home", "work,play" },
        { "application/x-www-form-urlencoded", "SubscribeChannels=work&SubscribeChannels=play&unsubscribechannels=home", "work,play" },
        { "application/json", "{\"subscribeChannels\":[\"home\"],\"unsubscribeChannels\":[\"home\"]}", "home" },
    };

    [Theory]
    [MemberData(nameof(UpdateBodies))]
    public async Task Updating_a_subscriber_unsubscribes_first_then_subscribes(string contentType, string body, string expectedChannels)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var response = await client.PostAsync(stream.Connect["updateSubscriberUrl"], new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        var info = await server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId);
        Assert.Equal(expectedChannels, string.Join(',', info!.Channels));
    }

    [Theory]
    [InlineData("api/UpdateEventSubscriber")]
    [InlineData("json/reply/UpdateEventSubscriber")]
    public async Task The_servicestack_update_forms_take_the_id_in_the_body(string path)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var response = await client.PostAsJsonAsync(path, new { Id = stream.SubscriptionId, SubscribeChannels = new[] { "work" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stream.WaitForAsync("work@cmd.onUpdate");

        using var unknown = await client.PostAsJsonAsync(path, new { Id = "nope", SubscribeChannels = new[] { "work" } });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Subscription 'nope' does not exist", await ErrorMessageAsync(unknown));

        using var missingId = await client.PostAsJsonAsync(path, new { SubscribeChannels = new[] { "work" } });
        Assert.Equal(HttpStatusCode.BadRequest, missingId.StatusCode);
    }

    [Fact]
    public async Task Updating_an_unknown_subscriber_is_404()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        using var response = await client.PostAsJsonAsync("event-subscribers/nope", new { subscribeChannels = new[] { "a" } });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    internal static async Task<string> ErrorMessageAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("responseStatus").GetProperty("message").GetString()!;
    }
}
