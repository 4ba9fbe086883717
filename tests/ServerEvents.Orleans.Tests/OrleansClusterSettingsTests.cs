using Microsoft.Extensions.Configuration;
using ServerEvents.Grains.Hosting;

namespace ServerEvents.Orleans.Tests;

/// <summary>The silo's <c>Orleans</c> section: values it can use bind, others fail at start naming their key.</summary>
public sealed class OrleansClusterSettingsTests
{
    [Fact]
    public void A_fan_out_poll_period_binds_from_its_key()
    {
        var settings = OrleansClusterSettings.FromConfiguration(Configuration("FanOutPollPeriod", "00:00:00.002"));

        Assert.Equal(TimeSpan.FromMilliseconds(2), settings.FanOutPollPeriod);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void A_fan_out_poll_period_that_is_not_positive_fails_naming_its_key(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => OrleansClusterSettings.FromConfiguration(Configuration("FanOutPollPeriod", value)));

        Assert.Contains("Orleans:FanOutPollPeriod", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00", 0)]
    [InlineData("00:00:00.005", 5)]
    public void An_observer_call_spacing_of_zero_or_more_binds_from_its_key(string value, int milliseconds)
    {
        var settings = OrleansClusterSettings.FromConfiguration(Configuration("ObserverCallSpacing", value));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), settings.ObserverCallSpacing);
    }

    [Fact]
    public void A_negative_observer_call_spacing_fails_naming_its_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OrleansClusterSettings.FromConfiguration(Configuration("ObserverCallSpacing", "-00:00:00.001")));

        Assert.Contains("Orleans:ObserverCallSpacing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Observer_call_items_bind_from_their_key()
    {
        var settings = OrleansClusterSettings.FromConfiguration(Configuration("ObserverCallItems", "8"));

        Assert.Equal(8, settings.ObserverCallItems);
    }

    [Fact]
    public void Observer_call_items_fewer_than_one_fail_naming_their_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OrleansClusterSettings.FromConfiguration(Configuration("ObserverCallItems", "0")));

        Assert.Contains("Orleans:ObserverCallItems", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Orleans:" + key] = value }).Build();
}
