using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServerEvents.Api.Auth;
using ServerEvents.Api.Chat;
using ServerEvents.Hosting;

namespace ServerEvents.Api.Admin;

/// <summary>Registers and maps the live admin dashboard.</summary>
internal static class AdminDashboardExtensions
{
    /// <summary>
    /// The snapshot publisher (one per node), the meter listener it reads, the ring of recent warnings and errors,
    /// <see cref="AdminOptions"/> from the <c>Admin</c> section, and the channel rule that keeps the admin channel
    /// to administrators wherever the library lets a caller name a channel (the stream, the subscriber lists and
    /// the channel updates answer 403).
    /// </summary>
    public static IServiceCollection AddAdminDashboard(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName)
            .Validate(o => o.SampleInterval > TimeSpan.Zero, "Admin:SampleInterval must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Channel), "Admin:Channel is required.")
            .Validate(o => !ChatChannel.IsValid(o.Channel), "Admin:Channel must not be a valid chat channel name (keep a ':' in it): the chat's endpoints would post to it.")
            .ValidateOnStart();
        services.AddOptions<ServerEventsOptions>().Configure<IOptions<AdminOptions>>((options, admin) =>
            options.Channels.Authorize(admin.Value.Channel, channel => ValueTask.FromResult(channel.User.IsInRole(ChatRoles.Administrator))));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MeterSampler>();
        services.AddSingleton<SiloDirectory>();
        services.AddSingleton<RecentErrorLog>();
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<RecentErrorLog>());
        services.AddHostedService<SnapshotPublisher>();
        return services;
    }

    /// <summary>Maps <c>/admin</c>.</summary>
    public static WebApplication MapAdminDashboard(this WebApplication app)
    {
        app.MapGet("/admin", AdminPage.WriteAsync);
        return app;
    }
}
