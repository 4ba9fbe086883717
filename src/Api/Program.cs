using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using ServerEvents.Api;
using ServerEvents.Api.Admin;
using ServerEvents.Api.Auth;
using ServerEvents.Api.Chat;
using ServerEvents.Api.Security;
using ServerEvents.Api.Telemetry;

var builder = WebApplication.CreateBuilder(args);

// Cluster tier: the embedded one unless configuration selects another (ServerEvents:Cluster:Provider).
if (string.Equals(builder.Configuration["ServerEvents:Cluster:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase))
{
    builder.Services.AddServerEventsPostgres(builder.Configuration);
}
else if (string.Equals(builder.Configuration["ServerEvents:Cluster:Provider"], "Orleans", StringComparison.OrdinalIgnoreCase))
{
    builder.Services.AddServerEventsOrleans(builder.Configuration);
}

builder.Services.AddServerEvents();
builder.AddApiTelemetry();
builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName);
builder.Services.AddSingleton<SenderVerifier>();
builder.Services.AddTrustedProxies(builder.Configuration);
builder.Services.AddChatAuthentication(builder.Configuration);
builder.Services.AddChatRateLimiting(builder.Configuration);
builder.Services.AddSessionCookie();
builder.Services.AddAdminDashboard();

var app = builder.Build();

// Client address and scheme first: the cross-site check and every per-address limit read them.
app.UseTrustedProxies(builder.Configuration);
app.UseSecurityHeaders();

// Before the session cookie, which adds a cookie to requests that came without one.
app.UseCrossSiteRequestGuard();
app.UseSessionCookie();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseBearerTokenRejection();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealthChecks("/health");
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapServerEvents();
app.MapSignIn();
app.MapChat();
app.MapAdminDashboard();

app.Run();

/// <summary>The front-end host; public so tests can start it.</summary>
public partial class Program;
