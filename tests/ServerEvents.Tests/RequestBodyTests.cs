using System.Net;
using System.Text;

namespace ServerEvents.Tests;

/// <summary>
/// Every endpoint that takes a body answers a malformed one with 400 and a message (never a 500), refuses
/// <c>text/plain</c>, and reads a POST's fields from its body only, never from its query string.
/// </summary>
public sealed class RequestBodyTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private HttpClient _client = null!;

    public static TheoryData<string, string, string> MalformedBodies
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            (string Type, string Body, string Message)[] bodies =
            [
                ("application/json", "{\"\\ud800\":\"x\"}", "not valid JSON text"),
                ("application/json", "{\"subscribeChannels\":\"\\udc00\"}", "not valid JSON text"),
                ("multipart/form-data; boundary=abc", "garbage--abc", "malformed form"),
                ("multipart/form-data; boundary=abc", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xyz--\r\n", "malformed form"),
                ("application/json", "{\"subscribeChannels\":\"a\",\"SubscribeChannels\":\"b\"}", "more than once"),
                ("application/json", new string('[', 100) + new string(']', 100), "not valid JSON"),
                ("application/json", "{\"id\":", "not valid JSON"),
            ];
            foreach (var endpoint in SideEndpoints.Names)
            {
                foreach (var (type, body, message) in bodies)
                {
                    data.Add(endpoint, type + "|" + body, message);
                }
            }

            return data;
        }
    }

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_body_is_400_with_a_message_and_changes_nothing(string endpoint, string typeAndBody, string message)
    {
        await using var stream = await EventStreamReader.OpenAsync(_client, "event-stream?channels=home");
        var separator = typeAndBody.IndexOf('|', StringComparison.Ordinal);
        var content = new StringContent(typeAndBody[(separator + 1)..], Encoding.UTF8).WithType(typeAndBody[..separator]);

        using var response = await _client.PostAsync(SideEndpoints.Url(endpoint, stream), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await EndpointTests.ErrorMessageAsync(response), StringComparison.Ordinal);
        var info = await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId);
        Assert.NotNull(info);
        Assert.Equal(["home"], info.Channels);
    }

    [Theory]
    [MemberData(nameof(SideEndpoints.All), MemberType = typeof(SideEndpoints))]
    public async Task A_text_plain_body_is_not_read_as_json(string endpoint)
    {
        await using var stream = await EventStreamReader.OpenAsync(_client, "event-stream?channels=home");
        var body = $"{{\"id\":\"{stream.SubscriptionId}\",\"subscribeChannels\":\"elsewhere\"}}";

        using var response = await _client.PostAsync(SideEndpoints.Url(endpoint, stream), new StringContent(body, Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("not supported", await EndpointTests.ErrorMessageAsync(response), StringComparison.Ordinal);
        Assert.Equal(["home"], (await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.Channels);
    }

    [Fact]
    public async Task A_posts_fields_are_not_read_from_its_query_string()
    {
        await using var stream = await EventStreamReader.OpenAsync(_client, "event-stream?channels=home");

        using var routed = await _client.PostAsync(
            $"event-subscribers/{stream.SubscriptionId}?subscribeChannels=elsewhere",
            new StringContent("{}", Encoding.UTF8, "application/json"));
        using var api = await _client.PostAsync($"api/UpdateEventSubscriber?id={stream.SubscriptionId}&subscribeChannels=elsewhere", null);

        Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("'id' is required", await EndpointTests.ErrorMessageAsync(api), StringComparison.Ordinal);
        Assert.Equal(["home"], (await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.Channels);

        // The same fields in the body are read: the refusals above are about where they came from.
        using var inBody = await _client.PostAsync(
            "api/UpdateEventSubscriber",
            new FormUrlEncodedContent([new("id", stream.SubscriptionId), new("subscribeChannels", "elsewhere")]));
        Assert.Equal(HttpStatusCode.OK, inBody.StatusCode);
        Assert.Equal(["home", "elsewhere"], (await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.Channels);
    }
}
