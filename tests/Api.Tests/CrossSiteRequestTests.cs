using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServerEvents.Api.Tests;

/// <summary>
/// State-changing requests that carry cookies must come from the site itself (<c>Origin</c>, else
/// <c>Sec-Fetch-Site</c>); API clients that send neither header keep working.
/// </summary>
public sealed class CrossSiteRequestTests
{
    private const string Evil = "https://evil.example";

    [Fact]
    public async Task A_cross_origin_form_post_with_cookies_is_403_and_changes_nothing()
    {
        await using var server = await ChatServer.StartAsync();
        using var victim = server.CreateClient();
        (await victim.GetAsync("/")).EnsureSuccessStatusCode();

        using var signIn = await SendAsync(victim, "auth/signin", Form(("displayName", "attacker")), ("Origin", Evil));

        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        Assert.Contains("Cross-site request refused", await ChatServiceTests.ErrorMessageAsync(signIn), StringComparison.Ordinal);
        Assert.False((await victim.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAuthenticated").GetBoolean());
    }

    [Fact]
    public async Task A_cross_origin_sign_in_of_a_first_time_visitor_without_cookies_is_403()
    {
        await using var server = await ChatServer.StartAsync();
        using var visitor = server.CreateClient();

        using var signIn = await SendAsync(visitor, "auth/signin", Form(("displayName", "attacker")), ("Origin", Evil));

        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        Assert.False((await visitor.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAuthenticated").GetBoolean());
    }

    [Fact]
    public async Task Cross_origin_posts_are_refused_on_every_cookie_carrying_endpoint()
    {
        await using var server = await ChatServer.StartAsync();
        using var victim = server.CreateClient();
        await ChatServiceTests.SignInAsync(victim, "victim");
        await using var stream = await EventStreamReader.OpenAsync(victim, "event-stream?channels=home");
        var id = stream.SubscriptionId;

        string[] paths =
        [
            "auth/signout",
            "channels/home/chat",
            "channels/home/raw",
            "chathistory/clear?channel=home",
            $"event-heartbeat?id={id}",
            $"event-subscribers/{id}",
            $"event-unregister?id={id}",
        ];
        foreach (var path in paths)
        {
            using var refused = await SendAsync(victim, path, Form(("from", id), ("message", "as the victim"), ("subscribe", "evil")), ("Origin", Evil));
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path}: {refused.StatusCode}");
        }

        Assert.True((await victim.GetFromJsonAsync<JsonElement>("auth/me")).GetProperty("isAuthenticated").GetBoolean());
        Assert.Empty((await victim.GetFromJsonAsync<JsonElement[]>("chathistory?channels=home"))!);
        Assert.Equal(id, (await server.ServerEvents.GetSubscriptionInfoAsync(id))?.Id);
    }

    [Theory]
    [InlineData("Origin", Evil)]
    [InlineData("Origin", "null")]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task Foreign_origins_are_refused(string header, string value)
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");

        using var response = await SendAsync(client, "channels/home/chat", Form(("from", stream.SubscriptionId), ("message", "x")), (header, value));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_same_origin_and_header_less_api_clients_are_served()
    {
        await using var server = await ChatServer.StartAsync();
        using var client = server.CreateClient();
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        var self = server.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var sameOrigin = await SendAsync(client, "channels/home/chat", Form(("from", stream.SubscriptionId), ("message", "same origin")), ("Origin", self));
        using var typedByUser = await SendAsync(client, "channels/home/chat", Form(("from", stream.SubscriptionId), ("message", "fetch site none")), ("Sec-Fetch-Site", "none"));
        using var sameOriginFetch = await SendAsync(client, "channels/home/chat", Form(("from", stream.SubscriptionId), ("message", "fetch site same-origin")), ("Sec-Fetch-Site", "same-origin"));
        using var apiClient = await client.PostAsJsonAsync("channels/home/chat", new { from = stream.SubscriptionId, message = "no headers" });
        using var apiSignIn = server.CreateClient();
        using var cookieless = await apiSignIn.PostAsync("auth/signin", Form(("displayName", "api")));

        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, typedByUser.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameOriginFetch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, apiClient.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cookieless.StatusCode);
        Assert.Equal(4, (await client.GetFromJsonAsync<JsonElement[]>("chathistory?channels=home"))!.Length);
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, HttpContent content, (string Name, string Value) header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        return client.SendAsync(request);
    }
}
