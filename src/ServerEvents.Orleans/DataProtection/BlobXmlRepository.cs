using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ServerEvents.Orleans.DataProtection;

/// <summary>
/// Keeps the Data Protection key ring in the Orleans tier's storage account, one blob per key, so every front-end
/// protects and unprotects cookies (sign-in, OAuth correlation) with the same keys whichever one the load balancer
/// picks. <see cref="IXmlRepository"/> is synchronous by design; key ring reads are rare and cached.
/// </summary>
public sealed class BlobXmlRepository : IXmlRepository
{
    /// <summary>The container the keys are kept in by default.</summary>
    public const string ContainerName = "data-protection-keys";

    private readonly BlobContainerClient _container;

    /// <summary>Creates the repository over <paramref name="blobs"/>, in <paramref name="containerName"/>.</summary>
    public BlobXmlRepository(BlobServiceClient blobs, string containerName = ContainerName)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentException.ThrowIfNullOrEmpty(containerName);
        _container = blobs.GetBlobContainerClient(containerName);
    }

    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        if (!_container.Exists())
        {
            return [];
        }

        var elements = new List<(DateTimeOffset CreatedOn, XElement Element)>();
        foreach (var item in _container.GetBlobs())
        {
            var content = _container.GetBlobClient(item.Name).DownloadContent().Value.Content;
            elements.Add((item.Properties.CreatedOn ?? DateTimeOffset.MinValue, XElement.Parse(content.ToString())));
        }

        return [.. elements.OrderBy(e => e.CreatedOn).Select(e => e.Element)];
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentException.ThrowIfNullOrEmpty(friendlyName);
        _container.CreateIfNotExists();
        var content = BinaryData.FromString(element.ToString(SaveOptions.DisableFormatting));
        try
        {
            // Written once: a key that another front-end stored under the same name first wins.
            _container.GetBlobClient(friendlyName + ".xml").Upload(content, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            });
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
    }
}
