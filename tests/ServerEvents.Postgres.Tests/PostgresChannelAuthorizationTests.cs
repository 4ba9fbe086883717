using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using ServerEvents.Hosting;

namespace ServerEvents.Postgres.Tests;

/// <summary>The channel authorization contract on the PostgreSQL tier (its own schema).</summary>
public sealed class PostgresChannelAuthorizationTests : ChannelAuthorizationContractTests
{
    private readonly string _schema = PostgresTestDatabase.NewSchemaName();

    /// <inheritdoc />
    protected override Task<LoopbackServer> StartServerAsync(Action<ServerEventsOptions> configure, Action<WebApplicationBuilder> build, Action<WebApplication> map) =>
        LoopbackServer.StartAsync(configure, builder =>
        {
            builder.Configuration["ConnectionStrings:Postgres"] = PostgresTestDatabase.ConnectionString;
            builder.Configuration["ServerEvents:Cluster:Postgres:SchemaName"] = _schema;
            builder.Services.AddServerEventsPostgres(builder.Configuration);
            build(builder);
        }, map);

    /// <inheritdoc />
    protected override Task CleanUpAsync() => PostgresTestDatabase.DropSchemaAsync(_schema);
}
