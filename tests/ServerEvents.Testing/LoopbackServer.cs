using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerEvents.Hosting;

namespace ServerEvents.Testing;

/// <summary>
/// The server events feature on real Kestrel, bound to a free loopback port, with a header-based sign-in
/// (<see cref="HeaderAuthenticationHandler"/>) so tests can act as signed-in users.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The server's <see cref="IServerEvents"/>.</summary>
    public IServerEvents ServerEvents => _app.Services.GetRequiredService<IServerEvents>();

    /// <summary>Starts a server with short test timings; <paramref name="configure"/> may change any option.</summary>
    public static async Task<LoopbackServer> StartAsync(
        Action<ServerEventsOptions>? configure = null,
        Action<WebApplicationBuilder>? build = null,
        Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddServerEvents(options =>
        {
            options.ExpirySweepInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(options);
        });
        build?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.MapServerEvents();
        map?.Invoke(app);
        await app.StartAsync().ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>A client for this server; <paramref name="user"/> signs it in (see <see cref="TestUser"/>).</summary>
    public HttpClient CreateClient(TestUser? user = null, string? sessionId = null)
    {
        var handler = new SocketsHttpHandler { UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add(HeaderAuthenticationHandler.HeaderName, user.ToHeader());
        }

        if (sessionId is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", "ss-id=" + sessionId);
        }

        return client;
    }

    /// <summary>Stops the server the way a host stops: streams end, background services stop.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
