using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace ServerEvents.Authorization;

/// <summary>What a channel authorization callback decides on: who wants to do what with which channel.</summary>
public sealed class ChannelAuthorizationContext
{
    internal ChannelAuthorizationContext(ClaimsPrincipal user, string channel, ChannelOperation operation, HttpContext? httpContext)
    {
        User = user;
        Channel = channel;
        Operation = operation;
        HttpContext = httpContext;
    }

    /// <summary>The caller; an anonymous caller is a principal without an authenticated identity.</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>The channel's name.</summary>
    public string Channel { get; }

    /// <summary>Whether the caller wants to subscribe to the channel or publish to it.</summary>
    public ChannelOperation Operation { get; }

    /// <summary>The request being authorized, when there is one.</summary>
    public HttpContext? HttpContext { get; }
}
