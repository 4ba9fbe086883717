using Microsoft.AspNetCore.Http;
using ServerEvents.Subscriptions;

namespace ServerEvents.Hosting;

/// <summary>
/// Application callbacks, in the order a connection meets them: <see cref="OnInit"/>, <see cref="OnCreated"/>,
/// <see cref="OnConnect"/>, <see cref="OnSubscribe"/>, then any of <see cref="OnUpdate"/> and
/// <see cref="OnHeartbeat"/>, and finally <see cref="OnUnsubscribe"/>.
/// </summary>
public sealed class ServerEventsHooks
{
    /// <summary>Before anything else: set response headers, or reject the stream with <see cref="StreamInitContext.Reject"/>.</summary>
    public Func<StreamInitContext, Task>? OnInit { get; set; }

    /// <summary>The subscription exists but is not registered: add custom public meta to <see cref="SubscriptionCreatedContext.Meta"/>.</summary>
    public Func<SubscriptionCreatedContext, Task>? OnCreated { get; set; }

    /// <summary>Edit the arguments sent in <c>cmd.onConnect</c>.</summary>
    public Func<SubscriptionInfo, IDictionary<string, string>, Task>? OnConnect { get; set; }

    /// <summary>The subscription is registered and about to be announced to its channels.</summary>
    public Func<SubscriptionInfo, Task>? OnSubscribe { get; set; }

    /// <summary>The subscription was unregistered or expired; its leave notices go out next.</summary>
    public Func<SubscriptionInfo, Task>? OnUnsubscribe { get; set; }

    /// <summary>The subscription's channels changed; its update notices go out next.</summary>
    public Func<SubscriptionInfo, Task>? OnUpdate { get; set; }

    /// <summary>A heartbeat arrived for the subscription.</summary>
    public Func<SubscriptionInfo, Task>? OnHeartbeat { get; set; }

    /// <summary>Writing to a stream failed.</summary>
    public Func<SubscriptionInfo, Exception, Task>? OnError { get; set; }
}

/// <summary>What <see cref="ServerEventsHooks.OnInit"/> sees and can do.</summary>
public sealed class StreamInitContext
{
    internal StreamInitContext(HttpContext httpContext) => HttpContext = httpContext;

    /// <summary>The request opening the stream.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The status code of a rejection, or <see langword="null"/> when the stream may open.</summary>
    public int? RejectedStatusCode { get; private set; }

    /// <summary>The message of a rejection.</summary>
    public string? RejectedMessage { get; private set; }

    /// <summary>Refuses the stream with <paramref name="statusCode"/> and <paramref name="message"/>.</summary>
    public void Reject(int statusCode, string message)
    {
        RejectedStatusCode = statusCode;
        RejectedMessage = message;
    }
}

/// <summary>What <see cref="ServerEventsHooks.OnCreated"/> sees and can change.</summary>
public sealed class SubscriptionCreatedContext
{
    internal SubscriptionCreatedContext(HttpContext httpContext, SubscriberIdentity identity, string subscriptionId, IReadOnlyList<string> channels)
    {
        HttpContext = httpContext;
        Identity = identity;
        SubscriptionId = subscriptionId;
        Channels = channels;
    }

    /// <summary>The request opening the stream.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Who is subscribing.</summary>
    public SubscriberIdentity Identity { get; }

    /// <summary>The new subscription's id.</summary>
    public string SubscriptionId { get; }

    /// <summary>The channels being joined.</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>Custom public meta, sent with every notice about this subscription.</summary>
    public IDictionary<string, string> Meta { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
