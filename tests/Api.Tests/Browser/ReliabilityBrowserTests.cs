using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ServerEvents.Api.Tests.Browser;

/// <summary>What a chat user sees across tabs, reconnects and restarts (issue 14).</summary>
public sealed class ReliabilityBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Two_tabs_of_one_anonymous_browser_are_one_person_in_the_people_list()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await ChatPage.OpenAsync(chromium.Browser, server);
        await using var bob = await ChatPage.OpenAsync(chromium.Browser, server);
        var alicesSecondTab = await alice.Context.NewPageAsync();
        await alicesSecondTab.GotoAsync("/?channels=home");

        await Expect(alicesSecondTab.Locator("#me-name")).ToHaveTextAsync(alice.Name);
        string[] both = [.. new[] { alice.Name, bob.Name }.Order(StringComparer.OrdinalIgnoreCase)];
        await Expect(alicesSecondTab.Locator("#users-list .user-name")).ToHaveTextAsync(both);
        await Expect(bob.Users).ToHaveTextAsync(both);
        await Expect(alice.Users).ToHaveTextAsync(both);
    }

    [Fact]
    public async Task Anonymous_users_who_arrive_one_after_the_other_get_clearly_different_avatar_colours()
    {
        await using var server = await ChatServer.StartAsync();
        var hues = new List<int>();
        var pages = new List<ChatPage>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var page = await ChatPage.OpenAsync(chromium.Browser, server);
                pages.Add(page);
                hues.Add(int.Parse(await page.Page.EvaluateAsync<string>("() => document.getElementById('me-avatar').style.getPropertyValue('--hue')"), System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            foreach (var page in pages)
            {
                await page.DisposeAsync();
            }
        }

        for (var i = 1; i < hues.Count; i++)
        {
            var apart = Math.Abs(hues[i] - hues[i - 1]);
            Assert.True(Math.Min(apart, 360 - apart) >= 90, $"consecutive anonymous users got hues {hues[i - 1]} and {hues[i]}");
        }
    }

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 700)]
    [InlineData(1024, 480)]
    public async Task The_tv_window_never_covers_the_message_box_or_the_send_button(int width, int height)
    {
        await using var server = await ChatServer.StartAsync();
        await using var page = await ChatPage.OpenAsync(chromium.Browser, server);
        await page.Page.SetViewportSizeAsync(width, height);

        await page.SendAsync("@me /tv.watch /img/test-card.svg");
        await Expect(page.Page.Locator("#tv")).ToBeVisibleAsync();

        var tv = (await page.Page.Locator("#tv").BoundingBoxAsync())!;
        foreach (var selector in new[] { "#message", "#composer button[type=submit]" })
        {
            var box = (await page.Page.Locator(selector).BoundingBoxAsync())!;
            var overlaps = tv.X < box.X + box.Width && box.X < tv.X + tv.Width && tv.Y < box.Y + box.Height && box.Y < tv.Y + tv.Height;
            Assert.False(overlaps, $"at {width}x{height} the TV ({tv.X},{tv.Y} {tv.Width}x{tv.Height}) covers {selector} ({box.X},{box.Y} {box.Width}x{box.Height})");
        }
    }

    [Fact]
    public async Task A_page_left_open_across_a_server_restart_shows_the_messages_posted_after_it()
    {
        // The first start binds any free port; the restart binds the same one, as a restarted server would.
        ApiProcess? node = await StartNodeAsync(ApiProcess.AnyLoopbackPort);
        var address = node.BaseAddress;
        try
        {
            await using var page = await ChatPage.OpenAsync(chromium.Browser, address);
            await page.SendAsync("before the restart");
            await Expect(page.Messages()).ToHaveTextAsync(["before the restart"]);
            var online = await DotColourAsync(page);

            await node.DisposeAsync();
            node = null;
            await Expect(page.Page.Locator("#status")).Not.ToHaveAttributeAsync("data-state", "connected");

            // While disconnected nobody is shown online.
            await Expect(page.Page.Locator("#users-list")).ToHaveAttributeAsync("data-offline", "");
            Assert.NotEqual(online, await DotColourAsync(page));

            // Sending while the server is down says so in words, and the words go once the page is back.
            await page.Input.FillAsync("while it is down");
            await page.Input.PressAsync("Enter");
            await Expect(page.Page.Locator("#composer-error")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(Could not reach the server|Not connected yet)"));
            await Expect(page.Page.Locator("body")).Not.ToContainTextAsync("Failed to fetch");
            node = await StartNodeAsync(address.ToString().TrimEnd('/'));
            await Expect(page.Page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
            await Expect(page.Page.Locator("#composer-error")).ToBeEmptyAsync();
            await Expect(page.Page.Locator("#users-list")).Not.ToHaveAttributeAsync("data-offline", "");
            Assert.Equal(online, await DotColourAsync(page));
            await page.Input.FillAsync("");

            // The restarted node's ids start above the old ones, so the page takes the new message as new.
            await page.SendAsync("after the restart");
            await Expect(page.Messages()).ToHaveTextAsync(["before the restart", "after the restart"]);
        }
        finally
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static Task<string> DotColourAsync(ChatPage page) =>
        page.Page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('#users-list .presence-dot')).backgroundColor");

    private static Task<ApiProcess> StartNodeAsync(string urls) =>
        ApiProcess.StartAsync(
            new Dictionary<string, string?>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["ServerEvents__Cluster__Provider"] = null,

                // The page and its scripts are served from the project's wwwroot (src/Api), next to bin/Release/net10.0.
                ["ASPNETCORE_CONTENTROOT"] = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ApiProcess.DllPath)!, "..", "..", "..")),
            },
            ["--urls", urls],
            "health",
            TimeSpan.FromSeconds(30));
}
