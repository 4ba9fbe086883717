using System.Text;

namespace ServerEvents.Tests;

/// <summary>The endpoints that act on one subscription, by a short name, for theories that cover each of them.</summary>
internal static class SideEndpoints
{
    /// <summary>Every name <see cref="Url"/> knows.</summary>
    public static readonly string[] Names = ["update", "api", "jsonReply", "heartbeat", "unregister"];

    /// <summary><see cref="Names"/> as theory data.</summary>
    public static TheoryData<string> All => [.. Names];

    /// <summary>Where the endpoint is for <paramref name="stream"/>'s subscription (the ServiceStack forms take the id in the body).</summary>
    public static string Url(string endpoint, EventStreamReader stream) => endpoint switch
    {
        "update" => stream.Connect["updateSubscriberUrl"],
        "api" => "api/UpdateEventSubscriber",
        "jsonReply" => "json/reply/UpdateEventSubscriber",
        "heartbeat" => stream.Connect["heartbeatUrl"],
        "unregister" => stream.Connect["unRegisterUrl"],
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
    };

    /// <summary>A well-formed request to the endpoint: the channel updates subscribe to <c>elsewhere</c>.</summary>
    public static HttpRequestMessage ValidRequest(string endpoint, EventStreamReader stream)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url(endpoint, stream));
        if (endpoint is "update" or "api" or "jsonReply")
        {
            request.Content = new StringContent($"{{\"id\":\"{stream.SubscriptionId}\",\"subscribeChannels\":\"elsewhere\"}}", Encoding.UTF8, "application/json");
        }

        return request;
    }
}
