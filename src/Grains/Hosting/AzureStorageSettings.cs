using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace ServerEvents.Grains.Hosting;

/// <summary>
/// Where the Orleans tier keeps its state: one Azure Storage account, reached either with a connection string
/// (<c>ConnectionStrings:AzureStorage</c>; Azurite locally) or with service URIs and a managed identity
/// (<c>AzureStorage:BlobServiceUri</c>, <c>AzureStorage:TableServiceUri</c>, <c>AzureStorage:ClientId</c>), as
/// Azure Container Apps runs it. Silos and front-ends read the same settings, so they find each other with no
/// other configuration.
/// </summary>
public sealed class AzureStorageSettings
{
    /// <summary>The name of the connection string (<c>ConnectionStrings:AzureStorage</c>).</summary>
    public const string ConnectionStringName = "AzureStorage";

    /// <summary>The configuration section of the managed-identity settings.</summary>
    public const string SectionName = "AzureStorage";

    /// <summary>The connection string used when no default is configured: Azurite on its default ports.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>A storage connection string; used when no service URIs are configured.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The Blob service endpoint, reached with a token credential.</summary>
    public Uri? BlobServiceUri { get; init; }

    /// <summary>The Table service endpoint, reached with a token credential.</summary>
    public Uri? TableServiceUri { get; init; }

    /// <summary>The client id of the user-assigned managed identity; the default Azure credential when empty.</summary>
    public string? ClientId { get; init; }

    /// <summary>Whether the service URIs (and a token credential) are used instead of a connection string.</summary>
    public bool UsesServiceUris => BlobServiceUri is not null || TableServiceUri is not null;

    /// <summary>Reads the settings; with none at all, Azurite on its default ports.</summary>
    /// <exception cref="InvalidOperationException">Only one of the two service URIs is configured.</exception>
    public static AzureStorageSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var settings = new AzureStorageSettings
        {
            ConnectionString = configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } connectionString
                ? connectionString
                : DevelopmentStorage,
            BlobServiceUri = ReadUri(section, nameof(BlobServiceUri)),
            TableServiceUri = ReadUri(section, nameof(TableServiceUri)),
            ClientId = section[nameof(ClientId)] is { Length: > 0 } clientId ? clientId : null,
        };
        if (settings.UsesServiceUris && (settings.BlobServiceUri is null || settings.TableServiceUri is null))
        {
            throw new InvalidOperationException(
                $"Configure both {SectionName}:{nameof(BlobServiceUri)} and {SectionName}:{nameof(TableServiceUri)}, or neither (and ConnectionStrings:{ConnectionStringName}).");
        }

        return settings;
    }

    /// <summary>A client of the Table service (cluster membership).</summary>
    public TableServiceClient CreateTableServiceClient() => UsesServiceUris
        ? new TableServiceClient(TableServiceUri, CreateCredential())
        : new TableServiceClient(ConnectionString);

    /// <summary>A client of the Blob service (grain state).</summary>
    public BlobServiceClient CreateBlobServiceClient() => UsesServiceUris
        ? new BlobServiceClient(BlobServiceUri, CreateCredential())
        : new BlobServiceClient(ConnectionString);

    // A user-assigned identity must be named by its client id; without one the default chain (a developer's
    // az login, a system-assigned identity) is tried.
    private TokenCredential CreateCredential() => ClientId is null
        ? new DefaultAzureCredential()
        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId));

    private static Uri? ReadUri(IConfiguration section, string key)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new InvalidOperationException($"{SectionName}:{key} must be an absolute http(s) URI; it is '{value}'.");
    }
}
