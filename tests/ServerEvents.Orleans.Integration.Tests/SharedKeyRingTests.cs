using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using ServerEvents.Orleans.DataProtection;

namespace ServerEvents.Orleans.Integration.Tests;

/// <summary>
/// Every front-end protects with the key ring in the storage account, so a sign-in cookie issued by one front-end
/// is read by any other, and by one that restarted.
/// </summary>
public sealed class SharedKeyRingTests
{
    [Fact]
    public async Task What_one_front_end_protects_another_and_a_restarted_front_end_unprotect()
    {
        var blobs = new BlobServiceClient(AzuriteServer.SharedConnectionString);
        var container = "keys-" + Guid.NewGuid().ToString("N");
        try
        {
            using var first = FrontEnd(blobs, container);
            using var second = FrontEnd(blobs, container);
            var cookie = Protector(first).Protect("signed in as ada");

            Assert.Equal("signed in as ada", Protector(second).Unprotect(cookie));

            // The key lives in the storage account, not in a folder that only processes on this machine share.
            Assert.Single(new BlobXmlRepository(blobs, container).GetAllElements());

            using var restarted = FrontEnd(blobs, container);
            Assert.Equal("signed in as ada", Protector(restarted).Unprotect(cookie));
        }
        finally
        {
            await blobs.DeleteBlobContainerAsync(container);
        }
    }

    private static ServiceProvider FrontEnd(BlobServiceClient blobs, string container)
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("front-ends");
        services.AddOptions<KeyManagementOptions>().Configure(keys => keys.XmlRepository = new BlobXmlRepository(blobs, container));
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider frontEnd) =>
        frontEnd.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie");
}
