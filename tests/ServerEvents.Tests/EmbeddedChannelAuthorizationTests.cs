using Microsoft.AspNetCore.Builder;
using ServerEvents.Hosting;

namespace ServerEvents.Tests;

/// <summary>The channel authorization contract on the embedded tier.</summary>
public sealed class EmbeddedChannelAuthorizationTests : ChannelAuthorizationContractTests
{
    /// <inheritdoc />
    protected override Task<LoopbackServer> StartServerAsync(Action<ServerEventsOptions> configure, Action<WebApplicationBuilder> build, Action<WebApplication> map) =>
        LoopbackServer.StartAsync(configure, build, map);
}
