using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;
using ServerEvents.Diagnostics;
using ServerEvents.Postgres.DataProtection;
using ServerEvents.Cluster;
using ServerEvents.History;
using ServerEvents.Hosting;
using ServerEvents.Postgres;
using ServerEvents.Postgres.Directory;
using ServerEvents.Postgres.Events;
using ServerEvents.Postgres.History;
using ServerEvents.Postgres.Hosting;
using ServerEvents.Postgres.Liveness;
using ServerEvents.Postgres.Schema;
using ServerEvents.Postgres.Sequences;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL cluster tier.</summary>
public static class ServerEventsPostgresServiceCollectionExtensions
{
    /// <summary>
    /// Makes server events use PostgreSQL for the cluster tier and chat history, binding
    /// <see cref="PostgresClusterOptions"/> from <c>ServerEvents:Cluster:Postgres</c> with the connection string
    /// from <c>ConnectionStrings:Postgres</c>. Call it before <c>AddServerEvents</c>.
    /// </summary>
    /// <remarks>
    /// Start-up fails with a message naming the problem when the connection string is missing or malformed, or
    /// when the database cannot be reached within <see cref="PostgresClusterOptions.StartupTimeout"/>; the schema
    /// is created or migrated before the app takes requests.
    /// </remarks>
    public static IServiceCollection AddServerEventsPostgres(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<PostgresClusterOptions>()
            .Configure(o => o.ConnectionString = configuration.GetConnectionString(PostgresClusterOptions.ConnectionStringName))
            .Bind(configuration.GetSection(PostgresClusterOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresClusterOptions>, PostgresClusterOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServerEventsNode>();
        services.AddMetrics();
        services.TryAddSingleton<ServerEventsMetrics>();
        services.TryAddSingleton(sp => CreateDataSource(sp.GetRequiredService<IOptions<PostgresClusterOptions>>().Value));
        services.TryAddSingleton<PostgresConnector>();
        services.TryAddSingleton<SchemaMigrator>();
        services.TryAddSingleton<EventLogListener>();
        services.TryAddSingleton<EventLogTrimmer>();
        services.TryAddSingleton<NodeLivenessRenewer>();

        services.TryAddSingleton<PostgresSubscriptionDirectory>();
        services.TryAddSingleton<PostgresSequenceStore>();
        services.TryAddSingleton(sp => new PostgresEventBus(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<EventLogListener>(),
            sp.GetRequiredService<EventLogRetention>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<PostgresClusterOptions>>()));

        // One key ring for every node: cookies (sign-in, OAuth correlation) must be readable by whichever node
        // the load balancer picks next.
        services.TryAddSingleton<PostgresXmlRepository>();
        services.AddDataProtection().SetApplicationName(PostgresClusterOptions.SectionName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<PostgresXmlRepository>((keys, repository) => keys.XmlRepository = repository);

        // Replace rather than TryAdd, so the tier wins even when AddServerEvents ran first.
        services.Replace(ServiceDescriptor.Singleton<IClusterTier, PostgresClusterTier>());
        services.Replace(ServiceDescriptor.Singleton<IChatHistoryStore, PostgresChatHistoryStore>());

        // Hosted services start in registration order. The schema comes before every other one: Data Protection's
        // reads the key ring from it at start (and the app may have registered that one before calling this), the
        // listener reads the head; and the node is registered before the app takes requests.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<SchemaMigrator>()));
        services.AddHostedService(sp => sp.GetRequiredService<EventLogListener>());
        services.AddHostedService(sp => sp.GetRequiredService<NodeLivenessRenewer>());
        services.AddHostedService(sp => sp.GetRequiredService<EventLogTrimmer>());
        return services;
    }

    // Npgsql's own logging is left off: it reports every command at Information. The tier logs its failures itself.
    // The pool is the node's whole connection budget: the LISTEN connection comes from it too.
    private static NpgsqlDataSource CreateDataSource(PostgresClusterOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = options.SchemaName;
        builder.ConnectionStringBuilder.ApplicationName ??= "server-events";
        builder.ConnectionStringBuilder.MaxPoolSize = options.MaxPoolSize;
        builder.ConnectionStringBuilder.MinPoolSize = Math.Min(builder.ConnectionStringBuilder.MinPoolSize, options.MaxPoolSize);
        builder.ConnectionStringBuilder.Timeout = (int)Math.Ceiling(options.ConnectionTimeout.TotalSeconds);

        // The tier runs a handful of statements thousands of times a second. Prepared on each connection once,
        // PostgreSQL no longer parses and plans them per call; and since the tier leaves no session state on a pooled
        // connection (the listener takes its LISTEN back before it lets go of one), the seven-statement reset
        // Npgsql otherwise sends with the first command after every pool checkout is work for nothing. Together they
        // took PostgreSQL's share of 1,000 publishes/s from 28 % to 17 % of a core (bench/RESULTS.md). A connection
        // string that sets either keeps its own.
        var given = new DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
        if (!Sets(given, "Max Auto Prepare"))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        if (!Sets(given, "No Reset On Close"))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        return builder.Build();
    }

    // Npgsql takes a keyword in any case and with or without its spaces.
    private static bool Sets(DbConnectionStringBuilder given, string keyword) =>
        given.Keys.Cast<string>().Any(key => string.Equals(key.Replace(" ", string.Empty, StringComparison.Ordinal), keyword.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
}
