using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using ServerEvents.Api.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ServerEvents.Api.Tests.Admin;

/// <summary>The admin dashboard in Chromium: live figures for an administrator, a refusal for everyone else.</summary>
public sealed class AdminBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly PageWaitForFunctionOptions Poll = new() { PollingInterval = 50 };

    [Fact]
    public async Task An_administrator_sees_connections_and_deliveries_move_as_streams_open_and_messages_flow()
    {
        await using var github = await StandInGitHub.StartAsync(id: 7, login: "alice", name: "alice");
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "github:7" }));
        await using var context = await NewContextAsync(server);
        var page = await OpenDashboardAsync(context);

        // The dashboard's own stream is the one connection.
        await Expect(page.Locator("#total-connections")).ToHaveAttributeAsync("data-value", "1");
        await Expect(page.Locator("#total-nodes")).ToHaveAttributeAsync("data-value", "1");
        await Expect(page.Locator("#nodes tbody tr .health")).ToHaveTextAsync("Healthy");

        using var client = server.CreateClient();
        var first = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        var second = await EventStreamReader.OpenAsync(client, "event-stream?channels=home,work");
        await Expect(page.Locator("#total-connections")).ToHaveAttributeAsync("data-value", "3");
        await Expect(page.Locator("#channels tr[data-channel='home'] td.number")).ToHaveTextAsync("2");
        await Expect(page.Locator("#channels tr[data-channel='work'] td.number")).ToHaveTextAsync("1");

        // 200 messages to two streams are 400 frames: far more than the dashboard's own once-a-second snapshot.
        var delivered = long.Parse((await page.Locator("#total-delivered").GetAttributeAsync("data-value"))!, System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 200; i++)
        {
            await server.ServerEvents.NotifyChannelAsync("home", "cmd.chat", new { text = $"message {i}" });
        }

        await second.WaitForAsync(f => f.Body.Contains("message 199", StringComparison.Ordinal));
        await page.WaitForFunctionAsync("min => Number(document.getElementById('total-delivered').dataset.value) >= min", delivered + 400, Poll);
        await page.WaitForFunctionAsync("() => Number(document.getElementById('total-deliveries').dataset.value) >= 20", null, Poll);
        await Expect(page.Locator("#chart-deliveries polyline")).ToHaveCountAsync(1);

        await first.DisposeAsync();
        await second.DisposeAsync();
        await Expect(page.Locator("#total-connections")).ToHaveAttributeAsync("data-value", "1");
        await Expect(page.Locator("#channels tr[data-channel='home']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Anonymous_visitors_and_guests_are_refused_the_page_and_the_admin_channel()
    {
        await using var server = await ChatServer.StartAsync();
        await using var anonymous = await NewContextAsync(server);
        var page = await anonymous.NewPageAsync();
        await AssertRefusedAsync(page);

        // A guest name is chosen, not proven: never an administrator, whatever it is.
        await using var guest = await ChatPage.OpenAsync(chromium.Browser, server, signInAs: "admin");
        await AssertRefusedAsync(guest.Page);
    }

    [Fact]
    public async Task The_dashboard_is_captured_in_a_screenshot()
    {
        await using var github = await StandInGitHub.StartAsync(id: 7, login: "alice", name: "alice");
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?> { ["Auth:Administrators:0"] = "github:7" }));
        await using var context = await NewContextAsync(server);
        var page = await OpenDashboardAsync(context);

        using var client = server.CreateClient();
        var streams = new List<EventStreamReader>();
        foreach (var channels in new[] { "home", "home,work", "home,work", "home,random", "work", "home" })
        {
            streams.Add(await EventStreamReader.OpenAsync(client, $"event-stream?channels={channels}"));
        }

        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ServerEvents.Postgres.Events.PostgresEventBus");
        logger.LogWarning("The listener reconnected after 1.2 s; catching up from event {EventId}.", 48_211);

        // Traffic that rises and falls, so the charts have a shape; it runs until the charts hold enough points.
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            for (var tick = 0; await timer.WaitForNextTickAsync(stop.Token); tick++)
            {
                for (var i = 0; i < 2 + (int)(6 * (1 + Math.Sin(tick / 15.0))); i++)
                {
                    await server.ServerEvents.NotifyChannelAsync(i % 3 == 0 ? "work" : "home", "cmd.chat", new { text = $"tick {tick}" }, stop.Token);
                }
            }
        });
        await page.WaitForFunctionAsync(
            "() => (document.querySelector('#chart-deliveries polyline')?.getAttribute('points') ?? '').split(' ').length >= 20",
            null,
            new PageWaitForFunctionOptions { PollingInterval = 200, Timeout = 60_000 });
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => traffic);

        var write = Environment.GetEnvironmentVariable(ScreenshotTests.WriteVariable) == "1";
        var path = write ? Path.Combine(ScreenshotTests.RepositoryRoot(), "docs", "admin.png") : Path.Combine(Path.GetTempPath(), $"admin-{Guid.NewGuid():N}.png");
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
            Assert.True(new FileInfo(path).Length > 10_000);
        }
        finally
        {
            if (!write)
            {
                File.Delete(path);
            }

            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private Task<IBrowserContext> NewContextAsync(ChatServer server) =>
        chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            ColorScheme = ColorScheme.Light,
        });

    /// <summary>Signs in with the stand-in GitHub, lands on <c>/admin</c> and waits for the live stream.</summary>
    private static async Task<IPage> OpenDashboardAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var response = await page.GotoAsync("/auth/github?returnUrl=%2Fadmin");
        Assert.Equal(200, response!.Status);
        Assert.Equal("/admin", new Uri(page.Url).AbsolutePath);
        await Expect(page.Locator("#status")).ToHaveTextAsync("Live");
        return page;
    }

    private static async Task AssertRefusedAsync(IPage page)
    {
        var response = await page.GotoAsync("/admin");
        Assert.Equal(403, response!.Status);
        await Expect(page.Locator("#refusal")).ToContainTextAsync("for administrators");
        await Expect(page.Locator("#charts")).ToHaveCountAsync(0);
        var stream = await page.EvaluateAsync<int>("async () => (await fetch('/event-stream?channels=admin:dashboard')).status");
        Assert.Equal(403, stream);
    }
}
