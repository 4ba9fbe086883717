using Microsoft.Extensions.Configuration;
using ServerEvents.Grains.Hosting;

namespace ServerEvents.Orleans.Tests;

/// <summary>The silo's <c>Orleans</c> section: values it can use bind, others fail at start naming their key.</summary>
public sealed class OrleansClusterSettingsTests
{
    [Fact]
    public void A_fan_out_poll_period_binds_from_its_key()
    {
        var settings = OrleansClusterSettings.FromConfiguration(Configuration("00:00:00.002"));

        Assert.Equal(TimeSpan.FromMilliseconds(2), settings.FanOutPollPeriod);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void A_fan_out_poll_period_that_is_not_positive_fails_naming_its_key(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => OrleansClusterSettings.FromConfiguration(Configuration(value)));

        Assert.Contains("Orleans:FanOutPollPeriod", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string pollPeriod) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Orleans:FanOutPollPeriod"] = pollPeriod }).Build();
}
