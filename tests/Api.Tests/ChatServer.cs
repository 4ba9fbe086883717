using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ServerEvents.Api.Tests;

/// <summary>
/// The real front-end (src/Api's Program, chat included) on real Kestrel at a free loopback port, with
/// configuration overrides per test.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private ChatServer(WebApplicationFactory<Program> factory)
    {
        _factory = factory;
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    /// <summary>
    /// Settings that let anyone send remote control to anyone (the chat's defaults limit it), for tests of what pages
    /// do with it: guest sign-in is free, so the pages' own rules must hold even then.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> OpenRemoteControl { get; } = new Dictionary<string, string?>
    {
        ["Chat:RemoteControlRequiresSignIn"] = "false",
        ["Chat:ChannelRemoteControlRequiresAdministrator"] = "false",
    };

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The server's <see cref="IServerEvents"/>.</summary>
    public IServerEvents ServerEvents => _factory.Services.GetRequiredService<IServerEvents>();

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts the server; <paramref name="settings"/> override configuration (e.g. <c>Chat:RateLimitPermits</c>).</summary>
    public static Task<ChatServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                builder.UseSetting(key, value);
            }
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return Task.FromResult(new ChatServer(factory));
    }

    /// <summary>
    /// A client with its own cookie jar (its own session), like one browser; it follows redirects, including
    /// to other loopback servers.
    /// </summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = true })
        {
            BaseAddress = BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _factory.DisposeAsync();
}
