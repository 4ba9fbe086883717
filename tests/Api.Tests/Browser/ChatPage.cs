using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ServerEvents.Api.Tests.Browser;

/// <summary>One chat user: a browser context of their own (own cookies, so own session) with the chat page open.</summary>
internal sealed class ChatPage : IAsyncDisposable
{
    private ChatPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>The user's display name, as the page shows it once connected.</summary>
    public string Name { get; private set; } = "";

    /// <summary>The message texts of a channel's tab.</summary>
    public ILocator Messages(string channel = "home") => Page.Locator($".panel[data-channel='{channel}'] .msg-text");

    /// <summary>The message rows of a channel's tab.</summary>
    public ILocator Rows(string channel = "home") => Page.Locator($".panel[data-channel='{channel}'] .msg");

    /// <summary>The names in the users list of the active channel.</summary>
    public ILocator Users => Page.Locator("#users-list .user-name");

    public ILocator Input => Page.Locator("#message");

    /// <summary>Opens the chat in a new context and waits until it is connected.</summary>
    public static Task<ChatPage> OpenAsync(IBrowser browser, ChatServer server, string channels = "home", string? signInAs = null) =>
        OpenAsync(browser, server.BaseAddress, channels, signInAs);

    /// <summary>Opens the chat served at <paramref name="baseAddress"/> in a new context and waits until it is connected.</summary>
    public static async Task<ChatPage> OpenAsync(IBrowser browser, Uri baseAddress, string channels = "home", string? signInAs = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            ColorScheme = ColorScheme.Light,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var chat = new ChatPage(context, page);
        await chat.GotoAsync($"/?channels={channels}");
        if (signInAs is not null)
        {
            await chat.SignInAsync(signInAs);
        }

        return chat;
    }

    /// <summary>Loads a URL of the chat and waits until it is connected.</summary>
    public async Task GotoAsync(string url)
    {
        await Page.GotoAsync(url);
        await WaitUntilConnectedAsync();
    }

    /// <summary>Reloads the page and waits until it is connected again.</summary>
    public async Task ReloadAsync()
    {
        await Page.ReloadAsync();
        await WaitUntilConnectedAsync();
    }

    /// <summary>Signs in through the form and waits for the new subscription.</summary>
    public async Task SignInAsync(string displayName)
    {
        await Page.ClickAsync("#sign-in-button");
        await Page.FillAsync("#sign-in-name", displayName);
        await Page.PressAsync("#sign-in-name", "Enter");
        await Expect(Page.Locator("#sign-in-dialog")).ToBeHiddenAsync();
        await Expect(Page.Locator("#me-name")).ToHaveTextAsync(displayName);
        await WaitUntilConnectedAsync();
    }

    /// <summary>Types a line in the message box and presses Enter; waits until the server accepted it.</summary>
    public async Task SendAsync(string text)
    {
        await Input.FillAsync(text);
        await Input.PressAsync("Enter");
        await Expect(Page.Locator("#composer")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Expect(Page.Locator("#composer-error")).ToBeEmptyAsync();
        await Expect(Input).ToHaveValueAsync("");
    }

    /// <summary>
    /// Posts to <c>/channels/home/raw</c> from this page's cookies, as a script (or curl) would: the page's own rules
    /// for what it sends are bypassed, the server's and the recipients' still apply.
    /// </summary>
    /// <returns>The HTTP status.</returns>
    public Task<int> PostRawAsync(string from, string selector, string? message, string? toUserId = null) =>
        Page.EvaluateAsync<int>(
            """
            async ([from, selector, message, toUserId]) => (await fetch('/channels/home/raw', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ from, selector, message, toUserId }),
            })).status
            """,
            new[] { from, selector, message, toUserId });

    /// <summary>
    /// Records every navigation the page starts from now on: the Navigation API's <c>navigate</c> event fires when a
    /// navigation starts, before the URL changes, so a redirect in progress is seen too.
    /// </summary>
    public Task RecordNavigationsAsync() =>
        Page.EvaluateAsync("() => { window.navigationsStarted = []; navigation.addEventListener('navigate', e => window.navigationsStarted.push(e.destination.url)); }");

    /// <summary>The navigations started since <see cref="RecordNavigationsAsync"/>, or null when the document was replaced.</summary>
    public Task<string[]?> NavigationsStartedAsync() => Page.EvaluateAsync<string[]?>("() => window.navigationsStarted ?? null");

    /// <summary>Waits until the user is listed (once) in the active channel's users list.</summary>
    public Task WaitForUserAsync(string name) =>
        Expect(Page.Locator("#users-list .user-name", new PageLocatorOptions { HasTextRegex = new($"^{System.Text.RegularExpressions.Regex.Escape(name)}$") })).ToHaveCountAsync(1);

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private async Task WaitUntilConnectedAsync()
    {
        await Expect(Page.Locator("#status")).ToHaveAttributeAsync("data-state", "connected");
        await Expect(Page.Locator("#me-name")).Not.ToBeEmptyAsync();
        Name = (await Page.Locator("#me-name").TextContentAsync())!;
    }
}
