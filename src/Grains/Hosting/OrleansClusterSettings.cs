using Microsoft.Extensions.Configuration;

namespace ServerEvents.Grains.Hosting;

/// <summary>
/// The Orleans cluster's identity and a silo's ports, bound from the <c>Orleans</c> configuration section.
/// Silos and front-ends with the same <see cref="ClusterId"/> and <see cref="ServiceId"/> on one storage account
/// form one cluster.
/// </summary>
public sealed class OrleansClusterSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Orleans";

    /// <summary>The cluster (deployment) id. Default <c>server-events-dev</c>.</summary>
    public string ClusterId { get; set; } = "server-events-dev";

    /// <summary>The service id, stable across deployments; grain state is keyed by it. Default <c>server-events</c>.</summary>
    public string ServiceId { get; set; } = "server-events";

    /// <summary>The silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port front-ends (Orleans clients) connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address this silo advertises to the others; Orleans picks the host's first non-loopback address when
    /// empty. Set <c>127.0.0.1</c> to run several silos on one machine.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// How often a silo's stream agent polls the fan-out queue: shorter delivers sooner and costs an idle silo more.
    /// Default 5 ms (<see cref="Events.FanOutStream.DefaultPollPeriod"/>).
    /// </summary>
    public TimeSpan FanOutPollPeriod { get; set; } = Events.FanOutStream.DefaultPollPeriod;

    /// <summary>
    /// The least time between the log's calls to the front-ends' observers while it is busy: longer makes fewer, fuller
    /// calls, so the front-ends use less CPU, and delays deliveries under load; zero calls once per commit round.
    /// Default 5 ms (<see cref="Events.FanOutOptions.DefaultObserverCallSpacing"/>).
    /// </summary>
    public TimeSpan ObserverCallSpacing { get; set; } = Events.FanOutOptions.DefaultObserverCallSpacing;

    /// <summary>
    /// The number of items that makes an observer call full, so that it goes without waiting out
    /// <see cref="ObserverCallSpacing"/>. Default 4 (<see cref="Events.FanOutOptions.DefaultObserverCallItems"/>).
    /// </summary>
    public int ObserverCallItems { get; set; } = Events.FanOutOptions.DefaultObserverCallItems;

    /// <summary>Reads the <c>Orleans</c> section.</summary>
    /// <exception cref="InvalidOperationException">A value cannot be used; the message names its key.</exception>
    public static OrleansClusterSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new OrleansClusterSettings();
        configuration.GetSection(SectionName).Bind(settings);
        if (settings.FanOutPollPeriod <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(FanOutPollPeriod)} must be a positive time span such as 00:00:00.005; it is '{settings.FanOutPollPeriod}'.");
        }

        if (settings.ObserverCallSpacing < TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(ObserverCallSpacing)} must be zero or a positive time span such as 00:00:00.005; it is '{settings.ObserverCallSpacing}'.");
        }

        if (settings.ObserverCallItems < 1)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(ObserverCallItems)} must be 1 or more; it is {settings.ObserverCallItems}.");
        }

        return settings;
    }
}
