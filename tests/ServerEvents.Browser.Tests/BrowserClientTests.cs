using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace ServerEvents.Browser.Tests;

/// <summary>A browser's own EventSource and the project's JS client, in headless Chromium, against the real server.</summary>
public sealed class BrowserClientTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string ClientPage = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Pages", "client.html"));

    [Fact]
    public async Task A_native_EventSource_receives_onConnect_and_channel_messages_with_ids()
    {
        await using var server = await StartServerAsync();
        var page = await OpenPageAsync(server);

        await page.WaitForFunctionAsync("() => window.rawFrames.length >= 1");
        await server.ServerEvents.NotifyChannelAsync("raw", "cmd.hello", new { text = "hi" });
        await page.WaitForFunctionAsync("() => window.rawFrames.some(f => f.data.startsWith('raw@cmd.hello '))");

        var frames = await page.EvaluateAsync<JsonElement>("() => window.rawFrames");
        var first = frames[0];
        Assert.StartsWith("cmd.onConnect {", first.GetProperty("data").GetString(), StringComparison.Ordinal);
        var hello = frames.EnumerateArray().Single(f => f.GetProperty("data").GetString()!.StartsWith("raw@cmd.hello", StringComparison.Ordinal));
        Assert.Equal("raw@cmd.hello {\"text\":\"hi\"}", hello.GetProperty("data").GetString());
        Assert.True(long.Parse(hello.GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task The_js_client_routes_cmd_css_trigger_and_receivers_in_a_real_page()
    {
        await using var server = await StartServerAsync();
        var page = await OpenPageAsync(server);
        await page.WaitForFunctionAsync("() => window.connects.length === 1");

        await server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "hello browser");
        await server.ServerEvents.NotifyChannelAsync("home", "css.background-color$#box", "rgb(103, 58, 183)");
        await server.ServerEvents.NotifyChannelAsync("home", "trigger.ping", new { n = 1 });
        await server.ServerEvents.NotifyChannelAsync("home", "document.title", "Remote title");

        await page.WaitForFunctionAsync("() => document.title === 'Remote title'");
        Assert.Equal("hello browser", await page.EvaluateAsync<string>("() => window.log[0].message"));
        Assert.Equal("home", await page.EvaluateAsync<string>("() => window.log[0].channel"));
        Assert.Equal("rgb(103, 58, 183)", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('box')).backgroundColor"));
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.triggered[0].n"));
    }

    [Fact]
    public async Task The_js_client_heartbeats_and_after_a_reset_reconnects_and_replays_what_it_missed()
    {
        await using var server = await StartServerAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        var page = await OpenPageAsync(server);
        await page.WaitForFunctionAsync("() => window.connects.length === 1");
        var firstId = await page.EvaluateAsync<string>("() => window.connects[0].id");

        // The page heartbeats every 200 ms and the server answers each with cmd.onHeartbeat on the stream.
        await page.WaitForFunctionAsync("() => window.heartbeats >= 2");

        await server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "before");
        await page.WaitForFunctionAsync("() => window.log.length === 1");

        // Reset drops every subscription: the page's next heartbeat gets 404 and it reconnects with lastEventId;
        // what was published meanwhile must arrive through replay, in order, exactly once.
        await server.ServerEvents.ResetAsync();
        await server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "during 1");
        await server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "during 2");
        await page.WaitForFunctionAsync("() => window.connects.length === 2");
        await server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", "after");
        await page.WaitForFunctionAsync("() => window.log.some(m => m.message === 'after')");

        var messages = await page.EvaluateAsync<string[]>("() => window.log.map(m => m.message)");
        Assert.Equal(["before", "during 1", "during 2", "after"], messages);
        Assert.NotEqual(firstId, await page.EvaluateAsync<string>("() => window.connects[1].id"));
    }

    [Fact]
    public async Task Closing_the_page_unregisters_the_subscription()
    {
        await using var server = await StartServerAsync();
        var page = await OpenPageAsync(server);
        await page.WaitForFunctionAsync("() => window.connects.length === 1");
        var id = await page.EvaluateAsync<string>("() => window.connects[0].id");

        await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });

        var deadline = DateTime.UtcNow + EventStreamReader.DefaultTimeout;
        while (await server.ServerEvents.GetSubscriptionInfoAsync(id) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the page's subscription was not removed");
            await Task.Delay(50);
        }
    }

    private static Task<LoopbackServer> StartServerAsync(Action<ServerEvents.Hosting.ServerEventsOptions>? configure = null) =>
        LoopbackServer.StartAsync(configure, map: app => app.MapGet("/client.html", () => Results.Content(ClientPage, "text/html")));

    private async Task<IPage> OpenPageAsync(LoopbackServer server)
    {
        var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(new Uri(server.BaseAddress, "client.html").ToString());
        return page;
    }
}
