using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;

namespace ServerEvents.Bench.Baseline;

/// <summary>
/// Holds the open streams by channel and writes every published frame straight to each of them from the
/// publishing request: no per-connection queue, no log, no ids. This is the least a .NET SSE broadcaster can do.
/// </summary>
public sealed class Broadcaster
{
    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);

    /// <summary>Holds a stream open on <paramref name="channel"/> until the client goes away.</summary>
    public async Task SubscribeAsync(string channel, HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var topic = _topics.GetOrAdd(channel, _ => new Topic());
        try
        {
            await topic.AddAsync(response, context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            await topic.RemoveAsync(response.BodyWriter);
        }
    }

    /// <summary>Writes <c>data: body</c> to every stream of <paramref name="channel"/>.</summary>
    public async Task PublishAsync(string channel, byte[] body)
    {
        if (_topics.TryGetValue(channel, out var topic))
        {
            await topic.BroadcastAsync(SseFrame.Encode(body));
        }
    }
}
