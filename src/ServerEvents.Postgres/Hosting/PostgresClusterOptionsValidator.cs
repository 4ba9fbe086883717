using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ServerEvents.Postgres.Hosting;

/// <summary>Refuses to start with a missing or malformed connection string, or names PostgreSQL would not accept.</summary>
internal sealed partial class PostgresClusterOptionsValidator : IValidateOptions<PostgresClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresClusterOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add($"The PostgreSQL cluster tier needs a connection string: set ConnectionStrings:{PostgresClusterOptions.ConnectionStringName} (or {PostgresClusterOptions.SectionName}:ConnectionString).");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                // The message names the bad keyword; the connection string itself may hold a password, so it is not echoed.
                errors.Add($"ConnectionStrings:{PostgresClusterOptions.ConnectionStringName} is not a valid PostgreSQL connection string: {ex.Message}");
            }
        }

        if (!Identifier().IsMatch(options.SchemaName))
        {
            errors.Add($"{PostgresClusterOptions.SectionName}:SchemaName '{options.SchemaName}' must be a plain identifier (letters, digits, underscores; at most 63).");
        }

        if (!Identifier().IsMatch(options.EffectiveChannel))
        {
            errors.Add($"{PostgresClusterOptions.SectionName}:Channel '{options.EffectiveChannel}' must be a plain identifier (letters, digits, underscores; at most 63).");
        }

        if (options.AppendQueueCapacity < 1 || options.AppendQueueTimeout <= TimeSpan.Zero || options.AppendShutdownTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{PostgresClusterOptions.SectionName}:AppendQueueCapacity, AppendQueueTimeout and AppendShutdownTimeout must be positive.");
        }

        // One connection is the fan-out's LISTEN, held for the node's life; the work needs at least one more.
        if (options.MaxPoolSize < 2)
        {
            errors.Add($"{PostgresClusterOptions.SectionName}:MaxPoolSize must be at least 2: one connection listens for the fan-out, the others do the work.");
        }

        if (options.ConnectionTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{PostgresClusterOptions.SectionName}:ConnectionTimeout must be at least one second (Npgsql counts whole seconds).");
        }

        if (options.StartupTimeout <= TimeSpan.Zero || options.HealthCheckTimeout <= TimeSpan.Zero || options.RetentionSweepInterval <= TimeSpan.Zero)
        {
            errors.Add($"{PostgresClusterOptions.SectionName} timeouts and intervals must be positive.");
        }

        if (options.ReconnectDelay <= TimeSpan.Zero || options.MaxReconnectDelay < options.ReconnectDelay)
        {
            errors.Add($"{PostgresClusterOptions.SectionName}:ReconnectDelay must be positive and no longer than MaxReconnectDelay.");
        }

        if (options.NodeRenewInterval <= TimeSpan.Zero || options.NodeTimeout <= options.NodeRenewInterval)
        {
            errors.Add($"{PostgresClusterOptions.SectionName}:NodeTimeout must be longer than NodeRenewInterval, which must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
