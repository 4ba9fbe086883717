namespace ServerEvents.Client.Tests;

/// <summary>Every kind of handler, against the real server: frames are routed as PROTOCOL.md says.</summary>
public sealed class HandlerTests : IAsyncLifetime
{
    private readonly Recorder<ServerEventMessage> _messages = new();
    private readonly Recorder<Exception> _errors = new();
    private LoopbackServer _server = null!;
    private ServerEventsClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        _client = ClientFactory.Create(_server, "home", "other");
        _client.OnMessage += (_, message) => _messages.Add(message);
        _client.OnException += (_, exception) => _errors.Add(exception);
        await _client.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_cmd_handler_is_called_by_name_with_the_client_and_the_message()
    {
        var called = new TaskCompletionSource<(ServerEventsClient Client, ServerEventMessage Message)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.Handlers["chat"] = (client, message) => called.TrySetResult((client, message));

        var id = await _server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "hello");

        var (sender, message) = await called.Task.WaitAsync(Recorder<int>.DefaultTimeout);
        Assert.Same(_client, sender);
        Assert.Equal(id, message.EventId);
        Assert.Equal("home", message.Channel);
        Assert.Equal("cmd", message.Op);
        Assert.Equal("chat", message.Target);
        Assert.Equal("\"hello\"", message.Json);
    }

    [Fact]
    public async Task RegisterHandler_replaces_the_handler_of_that_name()
    {
        var first = 0;
        var second = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.RegisterHandler("chat", (_, _) => first++)
            .RegisterHandler("chat", (_, message) => second.TrySetResult(message.Json));

        await _server.ServerEvents.NotifyAllAsync("cmd.chat", "x");

        Assert.Equal("\"x\"", await second.Task.WaitAsync(Recorder<int>.DefaultTimeout));
        Assert.Equal(0, first);
    }

    [Fact]
    public async Task A_typed_handler_gets_the_body_of_cmd_TypeName_deserialised()
    {
        var received = new TaskCompletionSource<(ChatMessage Body, ServerEventMessage Message)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.On<ChatMessage>((body, message) => received.TrySetResult((body, message)));

        await _server.ServerEvents.NotifyChannelAsync("home", new ChatMessage("ann", "hi there"));

        var (body, message) = await received.Task.WaitAsync(Recorder<int>.DefaultTimeout);
        Assert.Equal(new ChatMessage("ann", "hi there"), body);
        Assert.Equal("ChatMessage", message.Target);
    }

    [Fact]
    public async Task A_named_typed_handler_reads_property_names_case_insensitively()
    {
        var received = new TaskCompletionSource<ChatMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.On<ChatMessage>("shout", (body, _) => received.TrySetResult(body));

        // Dictionary keys are sent as written, so this really is upper-case JSON on the wire.
        await _server.ServerEvents.NotifyAllAsync("cmd.shout", new Dictionary<string, string> { ["FROM"] = "bob", ["TEXT"] = "HEY" });

        Assert.Equal(new ChatMessage("bob", "HEY"), await received.Task.WaitAsync(Recorder<int>.DefaultTimeout));
    }

    [Fact]
    public async Task A_named_receiver_gets_methods_called_and_properties_set()
    {
        var tv = new TvReceiver();
        _client.RegisterNamedReceiver("tv", tv);

        await _server.ServerEvents.NotifyAllAsync("tv.watch", new Show("News", 30));
        await _server.ServerEvents.NotifyAllAsync("tv.standby", null);
        await _server.ServerEvents.NotifyAllAsync("tv.VOLUME", 7);
        await _server.ServerEvents.NotifyChannelAsync("home", "tv.channel", "bbc");
        await _messages.WaitForAsync(m => m.Selector == "tv.channel");

        Assert.Equal([new Show("News", 30)], tv.Watched);
        Assert.Equal(1, tv.StandbyCalls);
        Assert.Equal(7, tv.Volume);
        Assert.Equal("bbc", tv.Channel);
    }

    [Fact]
    public async Task A_receiver_member_name_that_does_not_exist_is_ignored_and_the_client_carries_on()
    {
        var tv = new TvReceiver();
        _client.RegisterNamedReceiver("tv", tv);

        await _server.ServerEvents.NotifyAllAsync("tv.rewind", 10);
        await _server.ServerEvents.NotifyAllAsync("tv.volume", 3);
        await _messages.WaitForAsync(m => m.Selector == "tv.volume");

        Assert.Equal(3, tv.Volume);
        Assert.Empty(_errors.All);
    }

    [Fact]
    public async Task A_percent_20_in_the_target_is_a_space()
    {
        var called = new TaskCompletionSource<ServerEventMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.Handlers["say hi"] = (_, message) => called.TrySetResult(message);

        await _server.ServerEvents.NotifyAllAsync("cmd.say%20hi$#greeting%20box", "yo");

        var message = await called.Task.WaitAsync(Recorder<int>.DefaultTimeout);
        Assert.Equal("say hi", message.Target);
        Assert.Equal("#greeting box", message.CssSelector);
    }

    [Fact]
    public async Task The_channel_prefix_says_which_channel_a_message_was_sent_to()
    {
        await _server.ServerEvents.NotifyChannelAsync("other", "css.color$#box", "red");
        await _server.ServerEvents.NotifyAllAsync("trigger.ping", null);

        var css = await _messages.WaitForAsync(m => m.Op == "css");
        var trigger = await _messages.WaitForAsync(m => m.Op == "trigger");
        Assert.Equal(("other", "color", "#box", "\"red\""), (css.Channel, css.Target, css.CssSelector, css.Json));
        Assert.Equal((null, "ping", ""), (trigger.Channel, trigger.Target, trigger.Json));
    }

    [Fact]
    public async Task OnMessage_sees_every_application_message_but_none_of_the_protocols_own_commands()
    {
        var heartbeat = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.OnHeartbeat += (_, _) => heartbeat.TrySetResult();
        _client.Handlers["handled"] = (_, _) => { };
        await heartbeat.Task.WaitAsync(Recorder<int>.DefaultTimeout);

        await _server.ServerEvents.NotifyChannelAsync("home", "cmd.handled", 1);
        await _server.ServerEvents.NotifyAllAsync("cmd.unhandled", 2);
        await _server.ServerEvents.NotifyAllAsync("tv.anything", 3);

        await _messages.WaitForAsync(m => m.Selector == "tv.anything");
        Assert.Equal(["cmd.handled", "cmd.unhandled", "tv.anything"], _messages.All.Select(m => m.Selector));
    }

    [Fact]
    public async Task A_throwing_handler_goes_to_OnException_and_later_frames_are_still_handled()
    {
        var boom = new InvalidOperationException("boom");
        _client.Handlers["explode"] = (_, _) => throw boom;
        _client.OnMessage += (_, message) =>
        {
            if (message.Target == "explodeToo")
            {
                throw new InvalidOperationException("boom too");
            }
        };

        await _server.ServerEvents.NotifyAllAsync("cmd.explode", null);
        await _server.ServerEvents.NotifyAllAsync("cmd.explodeToo", null);
        await _server.ServerEvents.NotifyAllAsync("cmd.after", null);

        Assert.Same(boom, await _errors.NextAsync());
        Assert.Equal("boom too", (await _errors.NextAsync()).Message);
        await _messages.WaitForAsync(m => m.Target == "after");
        Assert.Equal(["explode", "explodeToo", "after"], _messages.All.Select(m => m.Target));
    }

    /// <summary>A typed message.</summary>
    public sealed record ChatMessage(string From, string Text);

    /// <summary>A show the receiver is told to watch.</summary>
    public sealed record Show(string Title, int Minutes);

    /// <summary>A named receiver with methods (one and no argument) and settable properties.</summary>
    public sealed class TvReceiver
    {
        public List<Show> Watched { get; } = [];

        public int StandbyCalls { get; private set; }

        public int Volume { get; set; }

        public string? Channel { get; set; }

        public void Watch(Show show) => Watched.Add(show);

        public void Standby() => StandbyCalls++;
    }
}
