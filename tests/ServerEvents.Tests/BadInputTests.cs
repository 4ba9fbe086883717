using System.Net;
using System.Text;

namespace ServerEvents.Tests;

/// <summary>Every kind of bad input is answered 4xx with a message, never a 500 or a hang.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(o =>
        {
            o.MaxChannelsPerConnection = 3;
            o.MaxChannelNameLength = 10;
            o.MaxRequestBodySize = 1024;
            o.MaxMessageSize = 1024;
        });
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("event-stream?channels=a@b", "must not contain '@'")]
    [InlineData("event-stream?channels=a,,b", "must not be empty")]
    [InlineData("event-stream?channels=a,", "must not be empty")]
    [InlineData("event-stream?channels=abcdefghijk", "longer than 10")]
    [InlineData("event-stream?channels=a,b,c,d", "at most 3 channels")]
    [InlineData("event-stream?channels=a%20b", "white space")]
    [InlineData("event-subscribers?channels=x@y", "must not contain '@'")]
    public async Task Bad_channel_names_are_400(string url, string expected)
    {
        using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await EndpointTests.ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("event-heartbeat?id=%00")]
    [InlineData("event-heartbeat?id=a%0Ab")]
    [InlineData("event-unregister?id=%00")]
    public async Task A_subscription_id_with_a_control_character_is_400(string url)
    {
        using var response = await _client.PostAsync(url, content: null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must not contain control characters", await EndpointTests.ErrorMessageAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    public async Task A_malformed_last_event_id_is_400(string lastEventId)
    {
        await using var stream = await EventStreamReader.StartAsync(_client, "event-stream", lastEventId);
        Assert.Equal(HttpStatusCode.BadRequest, stream.Response.StatusCode);
        Assert.Contains("Last-Event-ID", await EndpointTests.ErrorMessageAsync(stream.Response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json", "{\"subscribeChannels\":", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("application/json", "[\"a\"]", HttpStatusCode.BadRequest, "must be a JSON object")]
    [InlineData("application/json", "{\"subscribeChannels\":{\"a\":1}}", HttpStatusCode.BadRequest, "must be a string")]
    [InlineData("application/json", "{\"subscribeChannels\":[\"a@b\"]}", HttpStatusCode.BadRequest, "must not contain '@'")]
    [InlineData("application/json", "{\"subscribeChannels\":\"a,b,c,d\"}", HttpStatusCode.BadRequest, "at most 3 channels")]
    [InlineData("application/json", "{\"subscribeChannels\":\"abcdefghijk\"}", HttpStatusCode.BadRequest, "longer than 10")]
    [InlineData("application/json", "{\"other\":\"a\\u0000b\"}", HttpStatusCode.BadRequest, "NUL character")]
    [InlineData("application/json", "{\"other\":[\"a\",\"\\u0000\"]}", HttpStatusCode.BadRequest, "NUL character")]
    [InlineData("application/json", "{\"a\\u0000\":\"b\"}", HttpStatusCode.BadRequest, "NUL character")]
    [InlineData("application/x-www-form-urlencoded", "other=a%00b", HttpStatusCode.BadRequest, "invalid characters")]
    [InlineData("application/xml", "<a/>", HttpStatusCode.UnsupportedMediaType, "not supported")]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nbroken", HttpStatusCode.BadRequest, "malformed")]
    public async Task Bad_update_bodies_are_4xx(string contentType, string body, HttpStatusCode expected, string message)
    {
        await using var stream = await EventStreamReader.OpenAsync(_client, "event-stream?channels=home");
        using var response = await _client.PostAsync(stream.Connect["updateSubscriberUrl"], new StringContent(body, Encoding.UTF8).WithType(contentType));
        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(message, await EndpointTests.ErrorMessageAsync(response), StringComparison.Ordinal);
        Assert.Equal("home", string.Join(',', (await _server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId))!.Channels));
    }

    [Fact]
    public async Task Oversized_bodies_are_413_with_or_without_a_length()
    {
        await using var stream = await EventStreamReader.OpenAsync(_client, "event-stream?channels=home");
        var big = "{\"subscribeChannels\":\"" + new string('a', 2000) + "\"}";

        using var withLength = await _client.PostAsync(stream.Connect["updateSubscriberUrl"], new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Contains("larger than 1024 bytes", await EndpointTests.ErrorMessageAsync(withLength), StringComparison.Ordinal);

        using var chunked = new HttpRequestMessage(HttpMethod.Post, stream.Connect["updateSubscriberUrl"])
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))).WithType("application/json"),
        };
        chunked.Headers.TransferEncodingChunked = true;
        using var withoutLength = await _client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withoutLength.StatusCode);
    }

    [Fact]
    public async Task Missing_ids_are_400()
    {
        using var heartbeat = await _client.PostAsync("event-heartbeat", null);
        using var unregister = await _client.PostAsync("event-unregister?id=", null);
        Assert.Equal(HttpStatusCode.BadRequest, heartbeat.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unregister.StatusCode);
        Assert.Contains("'id'", await EndpointTests.ErrorMessageAsync(heartbeat), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cmd.a@b")]
    [InlineData("nodot")]
    [InlineData("cmd.")]
    [InlineData(".chat")]
    [InlineData("cmd.a b")]
    [InlineData("cmd.a\nb")]
    [InlineData("")]
    public async Task The_api_refuses_bad_selectors(string selector)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _server.ServerEvents.NotifyAllAsync(selector, "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => _server.ServerEvents.NotifyChannelAsync("home", selector, "x"));
    }

    [Fact]
    public async Task The_api_refuses_bad_channels_and_oversized_messages()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _server.ServerEvents.NotifyChannelAsync("a@b", "cmd.x", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => _server.ServerEvents.NotifyUserIdAsync("1", "cmd.x", "x", channel: ""));
        var tooLarge = await Assert.ThrowsAsync<MessageTooLargeException>(() => _server.ServerEvents.NotifyAllAsync("cmd.x", new string('x', 2000)));
        Assert.Equal(1024, tooLarge.Limit);
        Assert.Equal(0, _server.ServerEvents.GetStatistics().EventsPublished);
    }
}

internal static class HttpContentExtensions
{
    public static HttpContent WithType(this HttpContent content, string contentType)
    {
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}
