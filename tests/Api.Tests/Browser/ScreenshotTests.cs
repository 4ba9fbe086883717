using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ServerEvents.Api.Tests.Browser;

/// <summary>
/// Takes the screenshot of the chat that the README shows. It overwrites <c>docs/chat.png</c> only when
/// <c>SERVER_EVENTS_WRITE_SCREENSHOT=1</c> asks for it; a normal run writes to a temporary file, so running the tests
/// never changes the work tree.
/// </summary>
public sealed class ScreenshotTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    public const string WriteVariable = "SERVER_EVENTS_WRITE_SCREENSHOT";

    [Fact]
    public async Task Two_users_chatting_are_captured_in_a_screenshot()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await ChatPage.OpenAsync(chromium.Browser, server, channels: "home,work", signInAs: "Alice");
        await using var bob = await ChatPage.OpenAsync(chromium.Browser, server, channels: "home,work", signInAs: "Bob");
        await alice.WaitForUserAsync("Bob");

        await bob.SendAsync("Hey Alice! Did you try the new chat?");
        await bob.SendAsync("Every message arrives over Server-Sent Events.");
        await alice.SendAsync("Yes! And history loads on connect, so nothing is missed.");
        await alice.SendAsync("@Bob try /cmd.announce or /css.background$#top #673ab7");
        await bob.SendAsync("Nice, @Alice - remote control works across every tab.");
        await Expect(alice.Messages()).ToHaveCountAsync(5);
        await Expect(bob.Messages()).ToHaveCountAsync(5);
        await alice.Input.FillAsync("Let's meet in #work at 3");

        var write = Environment.GetEnvironmentVariable(WriteVariable) == "1";
        var path = write ? Path.Combine(RepositoryRoot(), "docs", "chat.png") : Path.Combine(Path.GetTempPath(), $"chat-{Guid.NewGuid():N}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            await alice.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
            Assert.True(new FileInfo(path).Length > 10_000);
        }
        finally
        {
            if (!write)
            {
                File.Delete(path);
            }
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansEvents.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OrleansEvents.slnx) was not found.");
    }
}
