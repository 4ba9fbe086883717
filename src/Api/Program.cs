using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

// Cluster tier: the embedded one unless configuration selects another (ServerEvents:Cluster:Provider).

builder.Services.AddServerEvents();

var app = builder.Build();

app.MapHealthChecks("/health");
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapServerEvents();

app.Run();

/// <summary>The front-end host; public so tests can start it.</summary>
public partial class Program;
