using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using ServerEvents.Api;
using ServerEvents.Api.Auth;
using ServerEvents.Api.Chat;

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
builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName);
builder.Services.AddSingleton<SenderVerifier>();
builder.Services.AddChatAuthentication(builder.Configuration);
builder.Services.AddChatRateLimiting();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseSessionCookie();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealthChecks("/health");
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapServerEvents();
app.MapSignIn();
app.MapChat();

app.Run();

/// <summary>The front-end host; public so tests can start it.</summary>
public partial class Program;
