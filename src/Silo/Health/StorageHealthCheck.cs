using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ServerEvents.Silo.Health;

/// <summary>
/// Healthy while both services of the storage account answer: the Table service holds the membership, the Blob
/// service every grain's state, so a silo that cannot reach either can neither stay in the cluster nor serve grains.
/// </summary>
internal sealed class StorageHealthCheck(
    TableServiceClient tables, BlobServiceClient blobs, IOptions<SiloHealthCheckOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.StorageTimeout);
        try
        {
            // Listing at most one table or container is the cheapest authenticated round trip each service offers.
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages().WithCancellation(timeout.Token))
            {
                break;
            }

            await foreach (var _ in blobs.GetBlobContainersAsync(cancellationToken: timeout.Token).AsPages(pageSizeHint: 1).WithCancellation(timeout.Token))
            {
                break;
            }

            return HealthCheckResult.Healthy("The storage account answers.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The storage account did not answer within {options.Value.StorageTimeout}.");
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException)
        {
            return HealthCheckResult.Unhealthy("The storage account is not reachable.", ex);
        }
    }
}
