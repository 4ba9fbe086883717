using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ServerEvents.Api.Security;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed, bound from the
/// <c>ForwardedHeaders</c> configuration section. Per-address rate limits and the cross-site check read the client
/// address and scheme those headers give, so a header from anyone else must not count: with no proxy listed the
/// headers are ignored, and a client cannot pick a fresh address per request.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.4</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/16</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies deep to read <c>X-Forwarded-For</c>. Default 1 (the entry the nearest proxy appended).</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>Binds <see cref="ForwardedHeadersOptions"/> from <see cref="ProxyOptions"/> and adds the middleware.</summary>
internal static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = configuration.GetSection(ProxyOptions.SectionName).Get<ProxyOptions>() ?? new ProxyOptions();
        if (proxies.KnownProxies.Count == 0 && proxies.KnownNetworks.Count == 0)
        {
            return services;
        }

        // Parsed here so that a typo stops the server at start-up instead of silently trusting nobody.
        var addresses = proxies.KnownProxies.Select(p => IPAddress.TryParse(p, out var a) ? a : throw Invalid("KnownProxies", p, "an IP address")).ToList();
        var networks = proxies.KnownNetworks.Select(n => System.Net.IPNetwork.TryParse(n, out var a) ? a : throw Invalid("KnownNetworks", n, "a CIDR network")).ToList();
        return services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = proxies.ForwardLimit;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            addresses.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
        });
    }

    /// <summary>
    /// Adds the forwarded-headers middleware when proxies are configured, unless <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>
    /// already put the framework's own at the front of the pipeline (it then uses the proxies configured here too).
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, IConfiguration configuration)
    {
        var proxies = configuration.GetSection(ProxyOptions.SectionName);
        var configured = proxies.GetSection(nameof(ProxyOptions.KnownProxies)).GetChildren().Any()
            || proxies.GetSection(nameof(ProxyOptions.KnownNetworks)).GetChildren().Any();
        var frameworkEnabled = string.Equals(configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase);
        return configured && !frameworkEnabled ? app.UseForwardedHeaders() : app;
    }

    private static InvalidOperationException Invalid(string key, string value, string expected) =>
        new($"{ProxyOptions.SectionName}:{key}: '{value}' is not {expected}.");
}
