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

    [Fact]
    public async Task The_first_node_on_a_fresh_database_reads_the_key_ring_after_creating_the_schema_not_before()
    {
        // Data Protection reads the key ring when the host starts; before the schema existed that failed, once, with
        // an error in the log of every first start on a new database.
        await using var node = await ApiNode.StartAsync(ApiNode.Settings(_schema));

        // Stopped gracefully, the process has flushed its console log by the time it exits.
        node.Terminate();
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(30)), node.Output);
        Assert.DoesNotContain("error occurred while reading the key ring", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", node.Output, StringComparison.Ordinal);
    }

    private static IDataProtector Protector(PostgresNode node) =>
        node.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie");
}
