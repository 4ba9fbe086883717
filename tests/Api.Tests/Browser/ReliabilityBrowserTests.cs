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
}
