namespace ServerEvents.Client.Tests;

/// <summary>Creates clients against a loopback server with test timings (fast back-off).</summary>
internal static class ClientFactory
{
    public static ServerEventsClientOptions FastOptions() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ReconnectBaseDelay = TimeSpan.FromMilliseconds(10),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    public static ServerEventsClient Create(LoopbackServer server, params string[] channels) =>
        Create(server, channels, user: null);

    public static ServerEventsClient Create(LoopbackServer server, IEnumerable<string> channels, TestUser? user, ServerEventsClientOptions? options = null) =>
        new(server.BaseAddress, channels, server.CreateClient(user), logger: null, options ?? FastOptions());
}
