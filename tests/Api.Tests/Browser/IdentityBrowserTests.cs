using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ServerEvents.Api.Tests.Browser;

/// <summary>
/// Attack 2 of issue 12 in Chromium: an attacker in a browser context of their own signs in with a victim's name,
/// hoping to receive what is sent to that name.
/// </summary>
public sealed class IdentityBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Signing_in_as_a_name_in_use_is_refused_and_the_private_message_reaches_only_its_owner()
    {
        await using var server = await ChatServer.StartAsync();
        await using var alice = await ChatPage.OpenAsync(chromium.Browser, server, signInAs: "alice");
        await using var bob = await ChatPage.OpenAsync(chromium.Browser, server);
        await using var attacker = await ChatPage.OpenAsync(chromium.Browser, server);
        var attackerName = attacker.Name;
        await bob.WaitForUserAsync("alice");

        foreach (var name in new[] { "alice", "ALICE" })
        {
            await attacker.Page.ClickAsync("#sign-in-button");
            await attacker.Page.FillAsync("#sign-in-name", name);
            await attacker.Page.PressAsync("#sign-in-name", "Enter");
            await Expect(attacker.Page.Locator("#sign-in-error")).ToContainTextAsync("already using the name");
            await attacker.Page.Keyboard.PressAsync("Escape");
            await Expect(attacker.Page.Locator("#sign-in-dialog")).ToBeHiddenAsync();
        }

        await bob.SendAsync("@alice the code is 1234");
        await bob.SendAsync("public marker");

        await Expect(alice.Messages()).ToHaveTextAsync(["the code is 1234", "public marker"]);
        await Expect(alice.Rows().First.Locator(".msg-tag")).ToHaveTextAsync("private");
        await Expect(attacker.Messages()).ToHaveTextAsync(["public marker"]);
        await Expect(attacker.Page.Locator("#me-name")).ToHaveTextAsync(attackerName);
        await Expect(bob.Page.Locator("#users-list .user-name", new PageLocatorOptions { HasTextString = "alice" })).ToHaveCountAsync(1);
    }
}
