using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ServerEvents.Orleans.Tests;

/// <summary>A front-end's <c>ServerEvents:Cluster:Orleans</c> section: the fan-out transport binds, and a value it cannot use fails naming its key.</summary>
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

    private static IOptions<OrleansClusterOptions> Options(string? transport)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ServerEvents:Cluster:Orleans:FanOutTransport"] = transport })
            .Build();
        var services = new ServiceCollection();
        services.AddServerEventsOrleansTier(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<OrleansClusterOptions>>();
    }
}
