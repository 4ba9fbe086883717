using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using ServerEvents.Postgres.Hosting;

namespace ServerEvents.Postgres.Schema;

/// <summary>
/// Creates and migrates the tier's schema at start-up, before anything else touches it. Every node runs it; a
/// transaction-scoped advisory lock makes nodes that start together take turns, and the ones after the first
/// find nothing left to do.
/// </summary>
internal sealed partial class SchemaMigrator(
    PostgresConnector connector,
    IOptions<PostgresClusterOptions> options,
    ILogger<SchemaMigrator> logger) : IHostedService
{
    private const string ResourcePrefix = "ServerEvents.Postgres.Migrations.";

    private static readonly IReadOnlyList<Migration> Migrations = LoadMigrations();

    /// <summary>The newest schema version this build knows.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    public Task StartAsync(CancellationToken cancellationToken) => MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Brings the schema to <see cref="LatestVersion"/>; safe to run from several processes at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var schema = options.Value.SchemaName;
        await using var connection = await connector.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('server_events migrations ' || $1))", cancellationToken, schema).ConfigureAwait(false);

        // The schema name was validated as a plain identifier, so quoting it is enough.
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS "{schema}";
            CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, cancellationToken).ConfigureAwait(false);

        await using (var current = new NpgsqlCommand($"""SELECT coalesce(max(version), 0) FROM "{schema}".schema_migrations""", connection))
        {
            var version = (int)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            foreach (var migration in Migrations.Where(m => m.Version > version))
            {
                await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, $"""INSERT INTO "{schema}".schema_migrations (version) VALUES ($1)""", cancellationToken, migration.Version)
                    .ConfigureAwait(false);
                LogApplied(migration.Name, schema);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return
        [
            .. assembly.GetManifestResourceNames()
                .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                .Select(name =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    var fileName = name[ResourcePrefix.Length..];
                    return new Migration(int.Parse(fileName[..4], CultureInfo.InvariantCulture), fileName, reader.ReadToEnd());
                })
                .OrderBy(m => m.Version),
        ];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Migration} to {Schema}")]
    private partial void LogApplied(string migration, string schema);

    private sealed record Migration(int Version, string Name, string Sql);
}
