using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ServerEvents.Hosting;

/// <summary>
/// Caps Kestrel's concurrent connections below the process's open-file limit when the application has not set a
/// cap itself. Without it, a flood of streams uses up every descriptor and the process aborts instead of turning
/// the excess away.
/// </summary>
internal sealed class KestrelConnectionLimitSetup : IPostConfigureOptions<KestrelServerOptions>
{
    public void PostConfigure(string? name, KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Limits.MaxConcurrentConnections ??= OpenFileLimit.ConnectionLimit(OpenFileLimit.Value);
    }
}
