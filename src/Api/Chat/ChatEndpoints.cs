using System.Globalization;
using Microsoft.Extensions.Options;
using ServerEvents.Authorization;
using ServerEvents.Endpoints;
using ServerEvents.History;
using ServerEvents.Protocol;

namespace ServerEvents.Api.Chat;

/// <summary>The chat services of CHAT.md: post, relay (remote control), history and clear.</summary>
internal static class ChatEndpoints
{
    /// <summary>The rate-limiting policy applied to posts.</summary>
    public const string PostPolicy = "chat-posts";

    /// <summary>The cluster-wide sequence that numbers chat messages across every channel.</summary>
    public const string MessageSequence = "chat-message";

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder endpoints)
    {
        var chat = endpoints.MapGroup(string.Empty).AddEndpointFilter<BadInputFilter>();
        chat.MapPost("/channels/{channel}/chat", PostChatAsync).RequireRateLimiting(PostPolicy);
        chat.MapPost("/channels/{channel}/raw", PostRawAsync).RequireRateLimiting(PostPolicy);
        chat.MapGet("/chathistory", GetHistoryAsync);
        chat.MapPost("/chathistory/clear", ClearHistoryAsync);
        return endpoints;
    }

    private static async Task PostChatAsync(
        HttpContext context,
        string channel,
        IServerEvents serverEvents,
        IChatHistoryStore history,
        SenderVerifier senders,
        ChannelAuthorizer channels,
        IOptionsMonitor<ChatOptions> options,
        TimeProvider time)
    {
        if (await ReadPostAsync(context, channel, options.CurrentValue, messageRequired: true) is not { } post
            || await senders.VerifyAsync(context, post.From) is not { } sender)
        {
            return;
        }

        await channels.EnsureMayPublishAsync(context, channel);

        if (RemoteControlPolicy.RefuseChat(post) is { } refusal)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status403Forbidden, refusal);
            return;
        }

        var message = new ChatMessage(
            await serverEvents.GetNextSequenceAsync(MessageSequence, context.RequestAborted),
            channel,
            sender.UserId,
            sender.UserName ?? sender.DisplayName,
            sender.DisplayName,
            post.Message!,
            post.ToUserId is not null,
            time.GetUtcNow())
        {
            ToUserId = post.ToUserId,
        };

        if (message.Private)
        {
            // Private messages reach every tab of the recipient and are echoed to every tab of the sender; never stored.
            await serverEvents.NotifyUserIdAsync(post.ToUserId!, post.Selector, message, cancellationToken: context.RequestAborted);
            if (post.ToUserId != sender.UserId)
            {
                await serverEvents.NotifyUserIdAsync(sender.UserId, post.Selector, message, cancellationToken: context.RequestAborted);
            }
        }
        else
        {
            // Stored before it is published: a page that loads history after subscribing sees it one way or the other.
            await history.AppendAsync(message, context.RequestAborted);
            await serverEvents.NotifyChannelAsync(channel, post.Selector, message, context.RequestAborted);
        }

        await context.Response.WriteAsJsonAsync(message, context.RequestAborted);
    }

    private static async Task PostRawAsync(
        HttpContext context,
        string channel,
        IServerEvents serverEvents,
        SenderVerifier senders,
        ChannelAuthorizer channels,
        IOptionsMonitor<ChatOptions> options)
    {
        var current = options.CurrentValue;

        // Commands such as cmd.toggle$#channels and tv.off carry no message: relay them with a null body.
        if (await ReadPostAsync(context, channel, current, messageRequired: false) is not { } post
            || await senders.VerifyAsync(context, post.From) is not { } sender)
        {
            return;
        }

        await channels.EnsureMayPublishAsync(context, channel);

        if (RemoteControlPolicy.RefuseRaw(current, context.User, sender, post) is { } refusal)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status403Forbidden, refusal);
            return;
        }

        if (post.ToUserId is not null)
        {
            await serverEvents.NotifyUserIdAsync(post.ToUserId, post.Selector, post.Message, cancellationToken: context.RequestAborted);
        }
        else
        {
            await serverEvents.NotifyChannelAsync(channel, post.Selector, post.Message, context.RequestAborted);
        }

        await context.Response.WriteAsJsonAsync(new { channel, selector = post.Selector, toUserId = post.ToUserId }, context.RequestAborted);
    }

    private static async Task GetHistoryAsync(HttpContext context, IChatHistoryStore history, IOptionsMonitor<ChatOptions> options)
    {
        var query = context.Request.Query;
        var channels = query["channels"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        if (channels.Count == 0)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "'channels' is required.");
            return;
        }

        if (channels.Find(c => !ChatChannel.IsValid(c)) is { } invalid)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, ChatChannel.Describe(invalid));
            return;
        }

        var maxTake = options.CurrentValue.MaxHistoryTake;
        if (!TryReadNumber(query["afterId"], 0, long.MaxValue, 0, out var afterId)
            || !TryReadNumber(query["take"], 1, maxTake, 100, out var take))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, $"'afterId' must be a whole number of 0 or more and 'take' one from 1 to {maxTake}.");
            return;
        }

        var messages = await history.GetAsync(channels, afterId, (int)take, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(messages, context.RequestAborted);
    }

    private static async Task ClearHistoryAsync(HttpContext context, IChatHistoryStore history, IServerEvents serverEvents)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign in as an administrator to clear history.");
            return;
        }

        if (!context.User.IsInRole(Auth.ChatRoles.Administrator))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "Only administrators can clear history.");
            return;
        }

        var channel = context.Request.Query["channel"].FirstOrDefault();
        if (!ChatChannel.IsValid(channel))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, ChatChannel.Describe(channel));
            return;
        }

        var cleared = await history.ClearAsync(channel!, context.RequestAborted);
        await serverEvents.NotifyChannelAsync(channel!, "cmd.historyCleared", new { channel }, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { channel, cleared }, context.RequestAborted);
    }

    /// <returns>The post, or <see langword="null"/> after an error response was written.</returns>
    private static async Task<ChatPost?> ReadPostAsync(HttpContext context, string channel, ChatOptions options, bool messageRequired)
    {
        if (!ChatChannel.IsValid(channel))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, ChatChannel.Describe(channel));
            return null;
        }

        // Room for the message in the worst JSON escaping plus the other fields.
        var fields = await RequestFields.ReadAsync(context.Request, (options.MaxMessageLength * 6L) + 4096, context.RequestAborted);
        var post = ChatPost.Read(fields);
        var error = post switch
        {
            { Message: null } when messageRequired => (StatusCodes.Status400BadRequest, "'message' is required."),
            { Message.Length: var length } when length > options.MaxMessageLength =>
                (StatusCodes.Status413PayloadTooLarge, $"The message is {length} characters; the limit is {options.MaxMessageLength}."),
            _ when EventSelector.Validate(post.Selector) is { } invalid => (StatusCodes.Status400BadRequest, invalid),
            _ => (0, null as string),
        };
        if (error.Item2 is { } message)
        {
            await ErrorResponse.WriteAsync(context, error.Item1, message);
            return null;
        }

        return post;
    }

    private static bool TryReadNumber(string? text, long min, long max, long fallback, out long value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}
