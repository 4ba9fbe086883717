using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServerEvents.Client;

/// <summary>Registers a <see cref="ServerEventsClient"/> in a service container.</summary>
public static class ServerEventsClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="ServerEventsClient"/> that sends through a named <see cref="HttpClient"/> from
    /// <see cref="IHttpClientFactory"/> (named after the client type). The application still calls
    /// <see cref="ServerEventsClient.StartAsync"/>; the container stops it when disposed.
    /// </summary>
    /// <returns>The HTTP client builder, to add authentication or other message handlers.</returns>
    public static IHttpClientBuilder AddServerEventsClient(
        this IServiceCollection services,
        Uri baseUri,
        IEnumerable<string> channels,
        Action<ServerEventsClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(channels);
        string[] channelList = [.. channels];
        var options = new ServerEventsClientOptions();
        configure?.Invoke(options);

        services.AddSingleton(provider => new ServerEventsClient(
            baseUri,
            channelList,
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ServerEventsClient)),
            provider.GetService<ILogger<ServerEventsClient>>(),
            options));
        return services.AddHttpClient(nameof(ServerEventsClient));
    }
}
