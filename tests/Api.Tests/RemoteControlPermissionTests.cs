using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerEvents.Api.Chat;
using static ServerEvents.Api.Tests.ChatServiceTests;

namespace ServerEvents.Api.Tests;

/// <summary>
/// Who may relay remote control (<c>POST /channels/{c}/raw</c>) to whom (issue 12, attack 1, the server's part):
/// by default anonymous senders reach only themselves (<c>@me</c>), signed-in users reach one user at a time, and only
/// administrators reach a whole channel.
/// </summary>
public sealed class RemoteControlPermissionTests
{
    [Fact]
    public async Task Remote_control_is_limited_by_default_in_the_code_and_in_appsettings()
    {
        Assert.True(new ChatOptions().RemoteControlRequiresSignIn);
        Assert.True(new ChatOptions().ChannelRemoteControlRequiresAdministrator);

        await using var server = await ChatServer.StartAsync();
        var bound = server.Services.GetRequiredService<IOptionsMonitor<ChatOptions>>().CurrentValue;
        Assert.True(bound.RemoteControlRequiresSignIn);
        Assert.True(bound.ChannelRemoteControlRequiresAdministrator);
    }

    [Fact]
    public async Task An_anonymous_sender_reaches_only_themselves()
    {
        await using var server = await ChatServer.StartAsync();
        using var anonymous = server.CreateClient();
        using var other = server.CreateClient();
        await using var anonymousStream = await EventStreamReader.OpenAsync(anonymous, "event-stream?channels=home");
        await using var otherStream = await EventStreamReader.OpenAsync(other, "event-stream?channels=home");

        using var toChannel = await RawAsync(anonymous, anonymousStream, "cmd.announce", "to everyone");
        using var toOther = await RawAsync(anonymous, anonymousStream, "cmd.announce", "to you", otherStream.Connect["userId"]);
        using var toMe = await RawAsync(anonymous, anonymousStream, "cmd.announce", "to me", anonymousStream.Connect["userId"]);

        Assert.Equal(HttpStatusCode.Forbidden, toChannel.StatusCode);
        Assert.Contains("Sign in to use remote control", await ErrorMessageAsync(toChannel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, toOther.StatusCode);
        Assert.Contains("@me works", await ErrorMessageAsync(toOther), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, toMe.StatusCode);
        Assert.Equal("\"to me\"", (await anonymousStream.WaitForAsync("cmd.announce")).Body);
        await AssertOnlyAnnouncementsAsync(server, otherStream, []);
    }

    [Fact]
    public async Task A_signed_in_guest_reaches_one_user_but_not_a_whole_channel()
    {
        await using var server = await ChatServer.StartAsync();
        using var guest = server.CreateClient();
        using var other = server.CreateClient();
        await SignInAsync(guest, "guest");
        await using var guestStream = await EventStreamReader.OpenAsync(guest, "event-stream?channels=home");
        await using var otherStream = await EventStreamReader.OpenAsync(other, "event-stream?channels=home");

        using var toChannel = await RawAsync(guest, guestStream, "cmd.announce", "to everyone");
        using var toOther = await RawAsync(guest, guestStream, "cmd.announce", "to you", otherStream.Connect["userId"]);
        using var toMe = await RawAsync(guest, guestStream, "cmd.announce", "to me", guestStream.Connect["userId"]);

        Assert.Equal(HttpStatusCode.Forbidden, toChannel.StatusCode);
        Assert.Contains("Only administrators", await ErrorMessageAsync(toChannel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, toOther.StatusCode);
        Assert.Equal(HttpStatusCode.OK, toMe.StatusCode);
        await AssertOnlyAnnouncementsAsync(server, otherStream, ["\"to you\""]);
    }

    [Fact]
    public async Task An_administrator_reaches_the_whole_channel()
    {
        await using var github = await StandInGitHub.StartAsync();
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "octocat" }));
        using var admin = server.CreateClient();
        using var other = server.CreateClient();
        using (var me = await admin.GetAsync("auth/github?returnUrl=/auth/me"))
        {
            Assert.True((await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isAdmin").GetBoolean());
        }

        await using var adminStream = await EventStreamReader.OpenAsync(admin, "event-stream?channels=home");
        await using var otherStream = await EventStreamReader.OpenAsync(other, "event-stream?channels=home");

        using var toChannel = await RawAsync(admin, adminStream, "cmd.announce", "to everyone");

        Assert.Equal(HttpStatusCode.OK, toChannel.StatusCode);
        Assert.Equal("\"to everyone\"", (await otherStream.WaitForAsync("home@cmd.announce")).Body);
    }

    [Fact]
    public async Task Channel_remote_control_can_be_opened_to_everyone_who_signed_in()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Chat:ChannelRemoteControlRequiresAdministrator"] = "false" });
        using var guest = server.CreateClient();
        using var anonymous = server.CreateClient();
        await SignInAsync(guest, "guest");
        await using var guestStream = await EventStreamReader.OpenAsync(guest, "event-stream?channels=home");
        await using var anonymousStream = await EventStreamReader.OpenAsync(anonymous, "event-stream?channels=home");

        using var fromGuest = await RawAsync(guest, guestStream, "cmd.announce", "from a guest");
        using var fromAnonymous = await RawAsync(anonymous, anonymousStream, "cmd.announce", "from nobody");

        Assert.Equal(HttpStatusCode.OK, fromGuest.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fromAnonymous.StatusCode);
        await AssertOnlyAnnouncementsAsync(server, anonymousStream, ["\"from a guest\""]);
    }

    [Theory]
    [InlineData("cmd.chat")]
    [InlineData("cmd.onConnect")]
    [InlineData("cmd.onJoin")]
    [InlineData("cmd.onLeave$#x")]
    [InlineData("cmd.historyCleared")]
    public async Task Commands_the_chat_sends_itself_are_never_relayed_even_to_yourself(string selector)
    {
        await using var server = await ChatServer.StartAsync(ChatServer.OpenRemoteControl);
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var toChannel = await RawAsync(client, stream, selector, "{}");
        using var toMe = await RawAsync(client, stream, selector, "{}", stream.Connect["userId"]);

        Assert.Equal(HttpStatusCode.Forbidden, toChannel.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, toMe.StatusCode);
        Assert.Contains("cannot be relayed", await ErrorMessageAsync(toMe), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chat_post_cannot_pass_for_a_cleared_history_or_a_connection()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var cleared = await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "x", selector = "cmd.historyCleared" });
        using var connect = await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "x", selector = "cmd.onConnect" });
        using var chat = await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "plain" });

        Assert.Equal(HttpStatusCode.Forbidden, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, connect.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    private static Task<HttpResponseMessage> RawAsync(HttpClient client, EventStreamReader from, string selector, string message, string? toUserId = null) =>
        client.PostAsJsonAsync("channels/home/raw", new { from = from.SubscriptionId, selector, message, toUserId });

    /// <summary>Waits for a sentinel published after the posts, then checks which announcements arrived before it.</summary>
    private static async Task AssertOnlyAnnouncementsAsync(ChatServer server, EventStreamReader stream, string[] expected)
    {
        await server.ServerEvents.NotifyChannelAsync("home", "cmd.sentinel", null);
        await stream.WaitForAsync("home@cmd.sentinel");
        var announcements = stream.Received.Where(f => f.Selector == "cmd.announce").Select(f => f.Body).ToArray();
        Assert.Equal(expected, announcements);
    }
}
