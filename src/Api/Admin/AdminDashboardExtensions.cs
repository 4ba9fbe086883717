using Microsoft.Extensions.DependencyInjection.Extensions;
using ServerEvents.Api.Chat;

namespace ServerEvents.Api.Admin;

/// <summary>Registers and maps the live admin dashboard.</summary>
internal static class AdminDashboardExtensions
{
    /// <summary>
    /// The snapshot publisher (one per node), the meter listener it reads, the ring of recent warnings and errors,
    /// and <see cref="AdminOptions"/> from the <c>Admin</c> section.
    /// </summary>
    public static IServiceCollection AddAdminDashboard(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName)
            .Validate(o => o.SampleInterval > TimeSpan.Zero, "Admin:SampleInterval must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Channel), "Admin:Channel is required.")
            .Validate(o => !ChatChannel.IsValid(o.Channel), "Admin:Channel must not be a valid chat channel name (keep a ':' in it): the chat's endpoints would post to it.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MeterSampler>();
        services.AddSingleton<SiloDirectory>();
        services.AddSingleton<RecentErrorLog>();
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<RecentErrorLog>());
        services.AddHostedService<SnapshotPublisher>();
        return services;
    }

    /// <summary>
    /// Maps <c>/admin</c> and guards the admin channel. Call it after authentication, so the guard sees who is
    /// calling, and before the endpoints run (any point in a <see cref="WebApplication"/>'s pipeline after
    /// <c>UseAuthorization</c>).
    /// </summary>
    public static WebApplication MapAdminDashboard(this WebApplication app)
    {
        app.UseMiddleware<AdminChannelGuard>();
        app.MapGet("/admin", AdminPage.WriteAsync);
        return app;
    }
}
