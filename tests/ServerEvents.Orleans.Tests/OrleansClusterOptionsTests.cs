using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ServerEvents.Orleans.Tests;

/// <summary>A front-end's <c>ServerEvents:Cluster:Orleans</c> section: the fan-out settings bind, and a value it cannot use fails naming its key.</summary>
public sealed class OrleansClusterOptionsTests
{
    [Theory]
    [InlineData(null, FanOutTransport.Streams)]
    [InlineData("Streams", FanOutTransport.Streams)]
    [InlineData("Observers", FanOutTransport.Observers)]
    public void The_fan_out_transport_binds_from_its_key_and_defaults_to_streams(string? value, FanOutTransport expected) =>
        Assert.Equal(expected, Options(value).Value.FanOutTransport);

    [Fact]
    public void A_fan_out_transport_that_is_neither_fails_naming_its_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options("2").Value);

        Assert.Contains("ServerEvents:Cluster:Orleans:FanOutTransport", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 20)]
    [InlineData("00:00:00", 0)]
    [InlineData("00:00:00.250", 250)]
    public void The_fan_out_reorder_window_binds_from_its_key_and_defaults_to_20_ms(string? value, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Options(null, value).Value.FanOutReorderWindow);

    [Theory]
    [InlineData("-00:00:00.001")]
    [InlineData("00:00:03")]
    public void A_reorder_window_below_zero_or_as_long_as_the_silence_timeout_fails_naming_its_key(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(null, value).Value);

        Assert.Contains("ServerEvents:Cluster:Orleans:FanOutReorderWindow", error.Message, StringComparison.Ordinal);
    }

    private static IOptions<OrleansClusterOptions> Options(string? transport, string? reorderWindow = null)
    {
        // A key given no value is left out, as it would be from a configuration file: a key present with a null
        // value binds a TimeSpan to zero.
        var settings = new Dictionary<string, string?>();
        if (transport is not null)
        {
            settings["ServerEvents:Cluster:Orleans:FanOutTransport"] = transport;
        }

        if (reorderWindow is not null)
        {
            settings["ServerEvents:Cluster:Orleans:FanOutReorderWindow"] = reorderWindow;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddServerEventsOrleansTier(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<OrleansClusterOptions>>();
    }
}
