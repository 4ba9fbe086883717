using Microsoft.Playwright;
using ServerEvents.Subscriptions;
using static Microsoft.Playwright.Assertions;

namespace ServerEvents.Api.Tests.Browser;

/// <summary>
/// Issue 12, attacks 1 and 7, in Chromium: an anonymous attacker and a signed-in victim, each in a browser context
/// of their own. The server relays remote control from anyone to anyone here (guest sign-in is free, so the server's
/// limits are only defence in depth): what is checked is what the victim's page lets a remote sender do.
/// </summary>
public sealed class RemoteControlSecurityTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly IReadOnlyDictionary<string, string?> Settings = ChatServer.OpenRemoteControl;

    [Fact]
    public async Task Remote_document_members_cannot_redirect_rewrite_or_set_cookies_only_the_title()
    {
        await using var server = await ChatServer.StartAsync(Settings);
        await using var victim = await ChatPage.OpenAsync(chromium.Browser, server, signInAs: "victim");
        await using var attacker = await ChatPage.OpenAsync(chromium.Browser, server);
        var url = victim.Page.Url;
        var cookies = await CookieNamesAsync(victim);
        await victim.RecordNavigationsAsync();

        await attacker.SendAsync("/document.location https://elsewhere.example/");
        await attacker.SendAsync($"/document.location {new Uri(server.BaseAddress, "?channels=elsewhere")}");
        await attacker.SendAsync("/document.write <h1 id=\"pwned\">pwned</h1><meta http-equiv=\"refresh\" content=\"0;url=https://elsewhere.example/\">");
        await attacker.SendAsync("/document.writeln <form id=\"pwned\" action=\"https://elsewhere.example/\"></form>");
        await attacker.SendAsync("/document.cookie a=b; path=/");
        await attacker.SendAsync("/document.open");
        await attacker.SendAsync("/document.title Still only a title");
        await attacker.SendAsync("after the attempts");

        // Events arrive in order: once the marker shows, every attempt before it was handled.
        await Expect(victim.Messages()).ToHaveTextAsync(["after the attempts"]);
        await Expect(victim.Page).ToHaveTitleAsync("Still only a title");
        await AssertStayedAsync(victim, url);
        await Expect(victim.Page.Locator("#pwned")).ToHaveCountAsync(0);
        await Expect(victim.Page.Locator("#composer")).ToBeVisibleAsync();
        Assert.Equal(cookies, await CookieNamesAsync(victim));
        Assert.DoesNotContain("a=b", await victim.Page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);
        await Expect(victim.Page.Locator("#me-name")).ToHaveTextAsync("victim");
    }

    [Fact]
    public async Task Nobody_else_can_turn_redirects_on_for_a_page()
    {
        await using var server = await ChatServer.StartAsync(Settings);
        await using var victim = await ChatPage.OpenAsync(chromium.Browser, server, signInAs: "victim");
        await using var attacker = await ChatPage.OpenAsync(chromium.Browser, server);
        var url = victim.Page.Url;
        await victim.RecordNavigationsAsync();
        var attackerId = (await SubscriptionOfAsync(server, attacker)).Id;
        var victimUserId = (await SubscriptionOfAsync(server, victim)).UserId;

        // The page refuses to send it...
        await attacker.Input.FillAsync("@victim /cmd.addReceiver window");
        await attacker.Input.PressAsync("Enter");
        await Expect(attacker.Page.Locator("#composer-error")).ToContainTextAsync("ask them to type /cmd.addReceiver window themselves");

        // ...and when a script sends it anyway, the victim's page ignores it.
        var elsewhere = new Uri(server.BaseAddress, "?channels=elsewhere").ToString();
        Assert.Equal(200, await attacker.PostRawAsync(attackerId, "cmd.addReceiver", "window", victimUserId));
        Assert.Equal(200, await attacker.PostRawAsync(attackerId, "window.location", elsewhere, victimUserId));
        Assert.Equal(200, await attacker.PostRawAsync(attackerId, "cmd.addReceiver", "window"));
        Assert.Equal(200, await attacker.PostRawAsync(attackerId, "window.location", elsewhere));
        await attacker.SendAsync("after the attempts");

        await Expect(victim.Messages()).ToHaveTextAsync(["after the attempts"]);
        await AssertStayedAsync(victim, url);
    }

    [Fact]
    public async Task Only_the_page_whose_user_turned_redirects_on_is_redirected_and_only_to_http_urls()
    {
        await using var server = await ChatServer.StartAsync(Settings);
        await using var victim = await ChatPage.OpenAsync(chromium.Browser, server, signInAs: "victim");
        await using var attacker = await ChatPage.OpenAsync(chromium.Browser, server);
        var victimUrl = victim.Page.Url;
        var attackerUrl = attacker.Page.Url;
        await victim.RecordNavigationsAsync();
        await attacker.RecordNavigationsAsync();

        // A local command: it changes the victim's page only and is never sent to anyone.
        await victim.SendAsync("/cmd.addReceiver window");
        await Expect(victim.Page.Locator("#toasts")).ToContainTextAsync("Others can now redirect this page");

        await attacker.SendAsync("/window.location javascript:window.pwned=1");
        await attacker.SendAsync("/window.location data:text/html,<h1>pwned</h1>");
        await attacker.SendAsync("before the redirect");
        await Expect(victim.Messages()).ToHaveTextAsync(["before the redirect"]);
        await AssertStayedAsync(victim, victimUrl);
        Assert.Null(await victim.Page.EvaluateAsync<object?>("() => window.pwned"));

        var elsewhere = new Uri(server.BaseAddress, "?channels=elsewhere").ToString();
        await attacker.SendAsync($"/window.location {elsewhere}");
        await Expect(victim.Page).ToHaveURLAsync(elsewhere);
        await Expect(victim.Page.Locator(".tab")).ToHaveTextAsync(["# elsewhere"]);

        // The attacker's own page got the same channel event, but its user never turned redirects on.
        await attacker.SendAsync("after the redirect");
        await Expect(attacker.Messages()).ToHaveTextAsync(["before the redirect", "after the redirect"]);
        await AssertStayedAsync(attacker, attackerUrl);
    }

    [Fact]
    public async Task Remote_trigger_cannot_sign_the_victim_out_or_post_for_them()
    {
        await using var server = await ChatServer.StartAsync(Settings);
        await using var victim = await ChatPage.OpenAsync(chromium.Browser, server, signInAs: "victim");
        await using var attacker = await ChatPage.OpenAsync(chromium.Browser, server);

        await attacker.SendAsync("/trigger.click$#sign-out-button x");
        await attacker.SendAsync("/trigger.click$button[data-command^=Hello] x");
        await attacker.SendAsync("/trigger.submit$#composer x");
        await attacker.SendAsync("/trigger.click$#clear-history x");
        await attacker.SendAsync("/trigger.customEvent ping");
        await attacker.SendAsync("after the attempts");

        await Expect(victim.Messages()).ToHaveTextAsync(["after the attempts"]);
        await Expect(victim.Page.Locator("#toasts")).ToContainTextAsync("customEvent raised: ping");
        await Expect(victim.Page.Locator("#me-name")).ToHaveTextAsync("victim");
        await Expect(victim.Page.Locator("#sign-out-button")).ToBeVisibleAsync();
        await Expect(victim.Input).ToHaveValueAsync("");
        await Expect(attacker.Messages()).ToHaveTextAsync(["after the attempts"]);
    }

    [Fact]
    public async Task Remote_css_and_toggle_cannot_hide_the_message_box_or_the_sign_out_button()
    {
        await using var server = await ChatServer.StartAsync(Settings);
        await using var victim = await ChatPage.OpenAsync(chromium.Browser, server, signInAs: "victim");
        await using var attacker = await ChatPage.OpenAsync(chromium.Browser, server);

        await attacker.SendAsync("/css.display$#composer none");
        await attacker.SendAsync("/css.visibility$#sign-out-button hidden");
        await attacker.SendAsync("/css.pointer-events none");
        await attacker.SendAsync("/css.opacity$.layout 0");
        await attacker.SendAsync("/cmd.toggle$#composer");
        await attacker.SendAsync("/cmd.toggle$.account");
        await attacker.SendAsync("/css.color$#sign-out-button rgb(233, 30, 99)");
        await attacker.SendAsync("after the attempts");

        await Expect(victim.Messages()).ToHaveTextAsync(["after the attempts"]);
        await Expect(victim.Page.Locator("#sign-out-button")).ToHaveCSSAsync("color", "rgb(233, 30, 99)");
        await Expect(victim.Page.Locator("#composer")).ToBeVisibleAsync();
        await Expect(victim.Page.Locator("#sign-out-button")).ToBeVisibleAsync();
        await Expect(victim.Page.Locator("body")).ToHaveCSSAsync("pointer-events", "auto");
        await Expect(victim.Page.Locator(".layout")).ToHaveCSSAsync("opacity", "1");
        await victim.SendAsync("still here");
        await Expect(attacker.Messages()).ToHaveTextAsync(["after the attempts", "still here"]);
    }

    /// <summary>The page is where it was and never started to leave (see <see cref="ChatPage.RecordNavigationsAsync"/>).</summary>
    private static async Task AssertStayedAsync(ChatPage page, string url)
    {
        Assert.Equal(url, page.Page.Url);
        var started = await page.NavigationsStartedAsync();
        Assert.NotNull(started);
        Assert.Empty(started);
    }

    private static async Task<SubscriptionInfo> SubscriptionOfAsync(ChatServer server, ChatPage page) =>
        (await server.ServerEvents.GetSubscriptionsDetailsAsync(["home"])).Single(s => s.DisplayName == page.Name);

    private static async Task<string[]> CookieNamesAsync(ChatPage page) =>
        [.. (await page.Context.CookiesAsync()).Select(c => c.Name).Order(StringComparer.Ordinal)];
}
