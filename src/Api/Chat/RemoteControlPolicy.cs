using System.Collections.Frozen;
using System.Security.Claims;
using ServerEvents.Api.Auth;
using ServerEvents.Subscriptions;

namespace ServerEvents.Api.Chat;

/// <summary>
/// Who may relay what through the chat's posts. The pages' own rules (a <c>document</c> receiver that only sets the
/// title, redirects only after the receiving user turned them on, namespaced <c>trigger</c> events) are the real
/// protection, since signing in as a guest is free; these checks are defence in depth.
/// </summary>
internal static class RemoteControlPolicy
{
    // The commands the server and the chat page send themselves: relayed by someone else, they would pass for a
    // connection (its heartbeat and unregister URLs), a presence change, a chat message or a cleared history.
    private static readonly FrozenSet<string> ServerCommands = FrozenSet.ToFrozenSet(
        ["cmd.onConnect", "cmd.onJoin", "cmd.onLeave", "cmd.onUpdate", "cmd.onHeartbeat", "cmd.onReplayGap", "cmd.historyCleared"],
        StringComparer.Ordinal);

    /// <summary>Why a chat post may not use its selector, or <see langword="null"/>.</summary>
    public static string? RefuseChat(ChatPost post) =>
        IsServerCommand(post.Selector) ? Reserved(post.Selector) : null;

    /// <summary>Why a remote-control post may not be relayed, or <see langword="null"/> when it may.</summary>
    /// <param name="options">The chat's switches.</param>
    /// <param name="caller">Who is posting (already verified to own <paramref name="sender"/>).</param>
    /// <param name="sender">The subscription the post comes from.</param>
    /// <param name="post">The post.</param>
    public static string? RefuseRaw(ChatOptions options, ClaimsPrincipal caller, SubscriptionInfo sender, ChatPost post)
    {
        if (IsServerCommand(post.Selector) || CommandOf(post.Selector) == ChatPost.DefaultSelector)
        {
            return Reserved(post.Selector);
        }

        // @me: your own pages are yours to play with, whoever you are.
        if (post.ToUserId == sender.UserId)
        {
            return null;
        }

        if (options.RemoteControlRequiresSignIn && !sender.IsAuthenticated)
        {
            return "Sign in to use remote control on other people's pages (@me works without).";
        }

        if (post.ToUserId is null && options.ChannelRemoteControlRequiresAdministrator && !caller.IsInRole(ChatRoles.Administrator))
        {
            return "Only administrators can send remote control to a whole channel: send it to @name or @me.";
        }

        return null;
    }

    private static bool IsServerCommand(string selector) => ServerCommands.Contains(CommandOf(selector));

    // "cmd.chat$#x" and "cmd.on%20Connect" reach the same handlers as "cmd.chat" and "cmd.on Connect" in the JS client.
    private static string CommandOf(string selector) => selector.Split('$', 2)[0].Replace("%20", " ", StringComparison.Ordinal);

    private static string Reserved(string selector) => $"'{selector}' is a command the chat sends itself; it cannot be relayed.";
}
