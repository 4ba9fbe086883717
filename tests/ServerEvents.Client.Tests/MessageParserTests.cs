namespace ServerEvents.Client.Tests;

/// <summary>Frames are split exactly as PROTOCOL.md's client-side routing section says.</summary>
public sealed class MessageParserTests
{
    [Theory]
    [InlineData("cmd.chat \"hi\"", null, "cmd.chat", "cmd", "chat", null, "\"hi\"")]
    [InlineData("home@cmd.chat {\"a\":1}", "home", "cmd.chat", "cmd", "chat", null, "{\"a\":1}")]
    [InlineData("home@css.background$#top \"red\"", "home", "css.background$#top", "css", "background", "#top", "\"red\"")]
    [InlineData("cmd.toggle$#channels ", null, "cmd.toggle$#channels", "cmd", "toggle", "#channels", "")]
    [InlineData("tv.watch%20now {\"x\":\"a b\"}", null, "tv.watch%20now", "tv", "watch now", null, "{\"x\":\"a b\"}")]
    [InlineData("trigger.say%20it$#a%20b \"x y\"", null, "trigger.say%20it$#a%20b", "trigger", "say it", "#a b", "\"x y\"")]
    [InlineData("window.location.href \"/a\"", null, "window.location.href", "window", "location.href", null, "\"/a\"")]
    [InlineData("cmd.chat", null, "cmd.chat", "cmd", "chat", null, "")]
    public void Splits_channel_op_target_css_and_body(string data, string? channel, string selector, string op, string target, string? css, string json)
    {
        var message = MessageParser.Parse("7", data);

        Assert.Equal(7, message.EventId);
        Assert.Equal(data, message.Data);
        Assert.Equal(channel, message.Channel);
        Assert.Equal(selector, message.Selector);
        Assert.Equal(op, message.Op);
        Assert.Equal(target, message.Target);
        Assert.Equal(css, message.CssSelector);
        Assert.Equal(json, message.Json);
    }

    [Theory]
    [InlineData("cmd.onConnect {}", true)]
    [InlineData("home@cmd.onJoin {}", true)]
    [InlineData("home@cmd.onLeave {}", true)]
    [InlineData("home@cmd.onUpdate {}", true)]
    [InlineData("cmd.onHeartbeat {}", true)]
    [InlineData("cmd.onReplayGap {}", true)]
    [InlineData("cmd.chat {}", false)]
    [InlineData("tv.onJoin {}", false)]
    [InlineData("cmd.onjoin {}", false)]
    public void Recognises_the_protocols_own_commands(string data, bool expected) =>
        Assert.Equal(expected, MessageParser.Parse("1", data).IsSystemCommand);

    [Fact]
    public void A_missing_or_non_numeric_id_is_null() =>
        Assert.Null(MessageParser.Parse(null, "cmd.chat 1").EventId);
}
