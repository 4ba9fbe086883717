using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using ServerEvents.Postgres.DataProtection;

namespace ServerEvents.Postgres.Tests;

/// <summary>Every node protects with the same key ring, so cookies issued by one node are read by any other.</summary>
public sealed class SharedKeyRingTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestDatabase.NewSchemaName();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => PostgresTestDatabase.DropSchemaAsync(_schema);

    [Fact]
    public async Task What_one_node_protects_another_node_and_a_restarted_node_unprotect()
    {
        await using var first = await PostgresNode.StartAsync(_schema);
        await using var second = await PostgresNode.StartAsync(_schema);
        var cookie = Protector(first).Protect("signed in as ada");

        Assert.Equal("signed in as ada", Protector(second).Unprotect(cookie));

        // The key lives in the database, not in a folder that only nodes on this machine happen to share.
        var keys = first.Services.GetRequiredService<PostgresXmlRepository>().GetAllElements();
        Assert.Single(keys);

        await using var restarted = await PostgresNode.StartAsync(_schema);
        Assert.Equal("signed in as ada", Protector(restarted).Unprotect(cookie));
    }

    private static IDataProtector Protector(PostgresNode node) =>
        node.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie");
}
