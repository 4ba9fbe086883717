using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerEvents.Cluster;
using ServerEvents.Hosting;
using ServerEvents.History;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// The PostgreSQL tier alone in a generic host, as one node of a cluster: what a front-end process runs minus
/// Kestrel. Two of them on one schema are two nodes.
/// </summary>
public sealed class PostgresNode : IAsyncDisposable
{
    private readonly IHost _host;

    private PostgresNode(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IClusterTier Tier => Services.GetRequiredService<IClusterTier>();

    public IChatHistoryStore History => Services.GetRequiredService<IChatHistoryStore>();

    public string NodeId => Services.GetRequiredService<ServerEventsNode>().Id;

    /// <summary>Starts a node on <paramref name="schema"/>; <paramref name="settings"/> override configuration keys.</summary>
    public static async Task<PostgresNode> StartAsync(
        string schema,
        EventLogRetention? retention = null,
        TimeProvider? time = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        string? connectionString = null)
    {
        var host = Build(schema, retention, time, settings, connectionString);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new PostgresNode(host);
    }

    /// <summary>Builds the host without starting it, for start-up failure tests.</summary>
    public static IHost Build(
        string schema,
        EventLogRetention? retention = null,
        TimeProvider? time = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        string? connectionString = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString ?? PostgresTestDatabase.ConnectionString,
            ["ServerEvents:Cluster:Postgres:SchemaName"] = schema,
            ["ServerEvents:Cluster:Postgres:ReconnectDelay"] = "00:00:00.100",
            ["ServerEvents:Cluster:Postgres:MaxReconnectDelay"] = "00:00:01",
            ["ServerEvents:Cluster:Postgres:StartupTimeout"] = "00:00:10",

            // Tests borrow the node's data source for connections of their own (a stalled transaction beside the
            // appender it stalls), beyond the default budget of 3.
            ["ServerEvents:Cluster:Postgres:MaxPoolSize"] = "10",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton(retention ?? new EventLogRetention(10_000, TimeSpan.FromMinutes(5)));
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddOptions<ServerEventsOptions>().BindConfiguration(ServerEventsOptions.SectionName);
        builder.Services.AddServerEventsPostgres(builder.Configuration);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
