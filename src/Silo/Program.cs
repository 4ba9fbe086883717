using ServerEvents.Silo.Health;
using ServerEvents.Silo.Hosting;
using ServerEvents.Silo.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.UseServerEventsSilo();
builder.AddSiloTelemetry();
builder.Services.AddHealthChecks().AddSiloReadiness();

var app = builder.Build();

// Container Apps probes these: liveness answers while the process serves requests; readiness only while this silo
// is an active cluster member and its storage account answers.
app.MapHealthChecks("/health", new() { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(SiloHealthChecks.ReadyTag) });

app.Run();
