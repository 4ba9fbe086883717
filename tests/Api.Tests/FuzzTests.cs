using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Xunit.Abstractions;

namespace ServerEvents.Api.Tests;

/// <summary>
/// Seeded malformed requests to every endpoint of the running chat: no 5xx, no hang, and a normal client is still
/// served afterwards. A failure prints its seed; <c>SERVER_EVENTS_FUZZ_SEED=n</c> replays exactly that run.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Requests = 3000;
    private const int Concurrency = 8;
    private const int Oversized = 1024 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // Every route the chat maps; {id} becomes a live subscription id or garbage, {channel} a channel or garbage.
    private static readonly (HttpMethod Method, string Path)[] Endpoints =
    [
        (HttpMethod.Get, "event-stream"),
        (HttpMethod.Post, "event-heartbeat"),
        (HttpMethod.Get, "event-heartbeat"),
        (HttpMethod.Post, "event-unregister"),
        (HttpMethod.Delete, "event-unregister"),
        (HttpMethod.Get, "event-subscribers"),
        (HttpMethod.Post, "event-subscribers/{id}"),
        (HttpMethod.Post, "api/UpdateEventSubscriber"),
        (HttpMethod.Post, "json/reply/UpdateEventSubscriber"),
        (HttpMethod.Get, "api/GetEventSubscribers"),
        (HttpMethod.Get, "json/reply/GetEventSubscribers"),
        (HttpMethod.Get, "js/server-events.js"),
        (HttpMethod.Post, "channels/{channel}/chat"),
        (HttpMethod.Post, "channels/{channel}/raw"),
        (HttpMethod.Get, "chathistory"),
        (HttpMethod.Post, "chathistory/clear"),
        (HttpMethod.Get, "auth/me"),
        (HttpMethod.Post, "auth/signin"),
        (HttpMethod.Post, "auth/signout"),
        (HttpMethod.Get, "auth/github"),
        (HttpMethod.Get, "health"),
        (HttpMethod.Get, "health/ready"),
    ];

    private static readonly string[] Keys =
        ["id", "channel", "channels", "from", "message", "selector", "toUserId", "subscribe", "unsubscribe", "afterId", "returnUrl", "name", "userName", "displayName", "take"];

    private static readonly string[] ContentTypes =
        ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/plain", "application/octet-stream", "application/json; charset=utf-16", "garbage/;;=\"x", "multipart/form-data"];

    [Fact]
    public async Task Thousands_of_malformed_requests_get_no_5xx_and_no_hang_and_a_normal_client_is_still_served()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SERVER_EVENTS_FUZZ_SEED"), CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        output.WriteLine($"fuzz seed {seed}");
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            // The limits are tested elsewhere; here every request must reach its handler.
            ["Chat:RateLimitPermits"] = "1000000",
            ["RateLimits:PostsPerAddress:PermitLimit"] = "1000000",
            ["RateLimits:SignInsPerAddress:PermitLimit"] = "1000000",
        });
        using var owner = server.CreateClient();
        await using var live = await EventStreamReader.OpenAsync(owner, "event-stream?channels=home");

        // Each request is generated from its own seed, so the whole run is the same for the same seed whatever
        // the order the concurrent senders take them in.
        var failures = new ConcurrentQueue<string>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            using var client = server.CreateClient();
            int n;
            while ((n = Interlocked.Increment(ref next)) < Requests)
            {
                var random = new Random(HashCode.Combine(seed, n));
                using var request = Generate(random, live.SubscriptionId);
                var uri = request.RequestUri!.OriginalString;
                var described = $"#{n} {request.Method} {uri[..Math.Min(uri.Length, 160)]}";
                using var timeout = new CancellationTokenSource(RequestTimeout);
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    if ((int)response.StatusCode >= 500)
                    {
                        var body = await response.Content.ReadAsStringAsync(timeout.Token);
                        failures.Enqueue($"{described} -> {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    failures.Enqueue($"{described} -> no answer within {RequestTimeout}");
                }
                catch (HttpRequestException ex)
                {
                    // Kestrel answers an oversized body early and closes the connection while the client still
                    // sends it; that is a refusal, not a failure.
                    if (ex.HttpRequestError is not (HttpRequestError.ResponseEnded or HttpRequestError.ConnectionError)
                        && !(request.Content?.Headers.ContentLength >= Oversized))
                    {
                        failures.Enqueue($"{described} -> {ex.HttpRequestError}: {ex.Message}");
                    }
                }
            }
        })));

        Assert.True(failures.IsEmpty, $"fuzz seed {seed} (rerun with SERVER_EVENTS_FUZZ_SEED={seed}): {failures.Count} failures:\n{string.Join('\n', failures.Take(20))}");

        // Still serving a normal client: a fresh stream, a chat post, and the message on both streams.
        using var normal = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(normal, "event-stream?channels=home");
        using var posted = await normal.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "still here" });
        Assert.True(posted.IsSuccessStatusCode, $"fuzz seed {seed}: the post after fuzzing answered {(int)posted.StatusCode}");
        var received = await stream.WaitForAsync(f => f.FullSelector == "home@cmd.chat" && f.Json.GetProperty("message").GetString() == "still here");
        Assert.Equal(stream.Connect["userId"], received.Json.GetProperty("fromUserId").GetString());
    }

    private static HttpRequestMessage Generate(Random random, string liveId)
    {
        var (method, template) = Endpoints[random.Next(Endpoints.Length)];
        var path = template
            .Replace("{id}", Escape(random.Next(3) == 0 ? liveId : Text(random)), StringComparison.Ordinal)
            .Replace("{channel}", Escape(random.Next(3) == 0 ? "home" : Text(random)), StringComparison.Ordinal);
        if (random.Next(10) == 0)
        {
            method = new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Get, HttpMethod.Post }[random.Next(5)];
        }

        var query = string.Join('&', Enumerable.Range(0, random.Next(5)).Select(_ =>
            Escape(Keys[random.Next(Keys.Length)]) + "=" + Escape(Value(random, liveId))));
        var request = new HttpRequestMessage(method, path + (query.Length > 0 ? "?" + query : string.Empty));
        if (method != HttpMethod.Get && random.Next(5) != 0)
        {
            request.Content = new ByteArrayContent(Body(random, liveId));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentTypes[random.Next(ContentTypes.Length)]);
        }

        if (random.Next(4) == 0)
        {
            // HttpClient sends only printable ASCII in headers; anything else never reaches the server.
            request.Headers.TryAddWithoutValidation("Last-Event-ID", new string([.. Value(random, liveId).Where(c => c is >= ' ' and < '\u007f')]));
        }

        return request;
    }

    private static byte[] Body(Random random, string liveId)
    {
        switch (random.Next(6))
        {
            case 0:
                var bytes = new byte[random.Next(0, 4096)];
                random.NextBytes(bytes);
                return bytes;
            case 1:
                // Oversized: beyond every body limit the app sets.
                return Encoding.UTF8.GetBytes(new string('x', random.Next(1, 3) * Oversized));
            case 2:
                // JSON with duplicate and odd keys, wrong types, huge and negative numbers.
                var members = Enumerable.Range(0, random.Next(1, 8)).Select(_ =>
                    $"\"{Keys[random.Next(Keys.Length)]}\":{JsonValue(random, liveId)}");
                return Encoding.UTF8.GetBytes("{" + string.Join(',', members) + (random.Next(4) == 0 ? "" : "}"));
            case 3:
                var fields = Enumerable.Range(0, random.Next(1, 8)).Select(_ =>
                    Escape(Keys[random.Next(Keys.Length)]) + "=" + Escape(Value(random, liveId)));
                return Encoding.UTF8.GetBytes(string.Join('&', fields));
            case 4:
                return Encoding.UTF8.GetBytes($"--xyz\r\nContent-Disposition: form-data; name=\"{Text(random)}\"\r\n\r\n{Text(random)}");
            default:
                return Encoding.UTF8.GetBytes(Text(random));
        }
    }

    private static string JsonValue(Random random, string liveId) => random.Next(7) switch
    {
        0 => "99999999999999999999999999999",
        1 => "-1",
        2 => "null",
        3 => "[" + random.Next() + ",{}]",
        4 => "1e400",
        5 => "\"" + liveId + "\"",
        _ => "\"" + Text(random).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
    };

    private static string Value(Random random, string liveId) => random.Next(6) switch
    {
        0 => liveId,
        1 => random.Next(2) == 0 ? "-1" : "99999999999999999999999",
        2 => "home,work," + Text(random),
        3 => "cmd.chat\r\nid: 9\r\n\r\ndata: x",
        4 => new string('a', random.Next(1000, 10_000)),
        _ => Text(random),
    };

    // Every byte of the UTF-8 form percent-encoded (a lone surrogate becomes U+FFFD); now and then raw invalid UTF-8.
    private static string Escape(string text) =>
        string.Concat(Encoding.UTF8.GetBytes(text).Select(b => "%" + b.ToString("X2", CultureInfo.InvariantCulture))) + (text.Length % 11 == 7 ? "%FF%C0" : string.Empty);

    // Control characters, CR/LF, lone surrogates, separators and plain letters.
    private static string Text(Random random)
    {
        const string Alphabet = "ab@#$.,:;/\\?%&=*<>\"' \t\r\n\0\u0001\u001f\u007f\u00e9\u4e2d";
        var chars = new char[random.Next(0, 40)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(20) == 0 ? (char)random.Next(0xD800, 0xE000) : Alphabet[random.Next(Alphabet.Length)];
        }

        return new string(chars);
    }
}
