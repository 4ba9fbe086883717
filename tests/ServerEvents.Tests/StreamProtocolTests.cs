using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ServerEvents.Tests;

/// <summary>The stream's headers, frame bytes and onConnect arguments, exactly as PROTOCOL.md gives them.</summary>
public sealed class StreamProtocolTests
{
    [Fact]
    public async Task Stream_answers_with_event_stream_headers_before_any_event()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Add("Accept", "application/json");

        await using var stream = await EventStreamReader.StartAsync(client, "event-stream?channels=home&t=123&unknown=1");

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", stream.Response.Headers.CacheControl?.ToString());
        Assert.Equal("no", Assert.Single(stream.Response.Headers.GetValues("X-Accel-Buffering")));
        Assert.Null(stream.Response.Content.Headers.ContentEncoding.FirstOrDefault());
    }

    [Fact]
    public async Task Frames_are_id_and_one_data_line_with_one_space_after_the_selector_even_for_null()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.NotifyChannelOfSubscriptions = false);
        using var client = server.CreateClient();
        using var response = await client.GetAsync("event-stream?channels=home", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        var connect = await ReadFrameAsync(body);
        Assert.Matches(new Regex("^id: \\d+\ndata: cmd\\.onConnect \\{[^\n]*\\}\n\n$"), connect);

        await server.ServerEvents.NotifyChannelAsync("home", "cmd.toggle$#channels", null);
        var toggle = await ReadFrameAsync(body);
        Assert.Matches(new Regex("^id: \\d+\ndata: home@cmd\\.toggle\\$#channels \n\n$"), toggle);

        await server.ServerEvents.NotifyAllAsync("cmd.chat", "hello\nworld");
        var chat = await ReadFrameAsync(body);
        Assert.Matches(new Regex("^id: \\d+\ndata: cmd\\.chat \"hello\\\\nworld\"\n\n$"), chat);

        await server.ServerEvents.NotifyAllAsync("cmd.data", new { Text = "a b", Count = 2 });
        Assert.EndsWith("data: cmd.data {\"text\":\"a b\",\"count\":2}\n\n", await ReadFrameAsync(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ids_grow_on_every_frame_of_a_connection()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=a,b");
        for (var i = 0; i < 5; i++)
        {
            await server.ServerEvents.NotifyChannelAsync("a", "cmd.n", i);
        }

        await stream.WaitForAsync(f => f.Selector == "cmd.n" && f.Body == "4");
        var ids = stream.Received.Select(f => f.EventId).ToList();
        Assert.Equal(ids.Order().Distinct(), ids); // strictly increasing: sorted and never repeated
        Assert.Equal(ids.Count - 1, ids.Skip(1).Count(id => id > ids[0]));
    }

    [Fact]
    public async Task OnConnect_carries_string_values_and_absolute_urls()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home,work&channel=extra");

        var first = stream.Received[0];
        using var document = System.Text.Json.JsonDocument.Parse(first.Body);
        Assert.All(document.RootElement.EnumerateObject(), p => Assert.Equal(System.Text.Json.JsonValueKind.String, p.Value.ValueKind));

        var args = stream.Connect;
        var id = args["id"];
        Assert.Matches("^[A-Za-z0-9_-]{20,}$", id);
        Assert.Matches("^-\\d+$", args["userId"]);
        Assert.Equal("user" + args["userId"][1..], args["displayName"]);
        Assert.Equal("false", args["isAuthenticated"]);
        Assert.Equal("home,work,extra", args["channels"]);
        Assert.InRange(long.Parse(args["createdAt"], System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(new Uri(server.BaseAddress, "event-unregister?id=" + id).ToString(), args["unRegisterUrl"]);
        Assert.Equal(new Uri(server.BaseAddress, "event-heartbeat?id=" + id).ToString(), args["heartbeatUrl"]);
        Assert.Equal(new Uri(server.BaseAddress, "event-subscribers/" + id).ToString(), args["updateSubscriberUrl"]);
        Assert.Equal("10000", args["heartbeatIntervalMs"]);
        Assert.Equal("30000", args["idleTimeoutMs"]);
        Assert.False(args.ContainsKey("profileUrl"));
    }

    [Fact]
    public async Task No_channels_means_the_star_channel_and_anonymous_users_are_numbered()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        await using var first = await EventStreamReader.OpenAsync(client);
        await using var second = await EventStreamReader.OpenAsync(client, "event-stream?channels=");

        Assert.Equal("*", first.Connect["channels"]);
        Assert.Equal("*", second.Connect["channels"]);
        var n1 = long.Parse(first.Connect["userId"], System.Globalization.CultureInfo.InvariantCulture);
        var n2 = long.Parse(second.Connect["userId"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(n1 - 1, n2);
        Assert.NotEqual(first.SubscriptionId, second.SubscriptionId);
    }

    [Fact]
    public async Task Signed_in_users_get_their_id_name_and_display_name()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient(new TestUser("42", "ada", "Ada Lovelace"));
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        Assert.Equal("42", stream.Connect["userId"]);
        Assert.Equal("Ada Lovelace", stream.Connect["displayName"]);
        Assert.Equal("true", stream.Connect["isAuthenticated"]);
        var info = await server.ServerEvents.GetSubscriptionInfoAsync(stream.SubscriptionId);
        Assert.Equal("ada", info?.UserName);
    }

    [Fact]
    public async Task Options_change_the_advertised_timings_and_disabled_paths_leave_their_urls_out()
    {
        await using var server = await LoopbackServer.StartAsync(o =>
        {
            o.HeartbeatInterval = TimeSpan.FromSeconds(3);
            o.IdleTimeout = TimeSpan.FromSeconds(7);
            o.Paths.Unregister = null;
        });
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client);

        Assert.Equal("3000", stream.Connect["heartbeatIntervalMs"]);
        Assert.Equal("7000", stream.Connect["idleTimeoutMs"]);
        Assert.False(stream.Connect.ContainsKey("unRegisterUrl"));
        using var unregister = await client.PostAsync("event-unregister?id=" + stream.SubscriptionId, null);
        Assert.Equal(HttpStatusCode.NotFound, unregister.StatusCode);
    }

    [Fact]
    public async Task The_javascript_client_is_served_with_an_etag()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient();
        using var response = await client.GetAsync("js/server-events.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("export class ServerEventsClient", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "js/server-events.js");
        revalidate.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await client.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    private static async Task<string> ReadFrameAsync(Stream body)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(EventStreamReader.DefaultTimeout);
        while (buffer.Count < 2 || buffer[^1] != '\n' || buffer[^2] != '\n')
        {
            if (await body.ReadAsync(one, timeout.Token) == 0)
            {
                throw new EndOfStreamException();
            }

            buffer.Add(one[0]);
        }

        return Encoding.UTF8.GetString([.. buffer]);
    }
}
