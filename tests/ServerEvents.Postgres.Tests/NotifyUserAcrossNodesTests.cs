using Microsoft.Extensions.DependencyInjection;

namespace ServerEvents.Postgres.Tests;

/// <summary>Two in-process front-ends (real Kestrel, real sign-in) sharing one schema: user targeting across nodes.</summary>
public sealed class NotifyUserAcrossNodesTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestDatabase.NewSchemaName();
    private LoopbackServer _first = null!;
    private LoopbackServer _second = null!;

    public async Task InitializeAsync()
    {
        _first = await StartAsync();
        _second = await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await PostgresTestDatabase.DropSchemaAsync(_schema);
    }

    [Fact]
    public async Task Notifying_a_user_reaches_their_subscriptions_on_every_node_and_nobody_else()
    {
        var ann = new TestUser("7", "ann", "Ann");
        using var annOnFirst = _first.CreateClient(ann);
        using var annOnSecond = _second.CreateClient(ann);
        using var bobOnSecond = _second.CreateClient(new TestUser("8", "bob", "Bob"));
        await using var first = await EventStreamReader.OpenAsync(annOnFirst, "event-stream?channels=home");
        await using var second = await EventStreamReader.OpenAsync(annOnSecond, "event-stream?channels=work");
        await using var bob = await EventStreamReader.OpenAsync(bobOnSecond, "event-stream?channels=home");

        Assert.Equal(2, (await _second.ServerEvents.GetSubscriptionInfosByUserIdAsync("7")).Count);
        await _first.ServerEvents.NotifyUserIdAsync("7", "cmd.private", "for ann");
        await _second.ServerEvents.NotifyUserIdAsync("7", "cmd.private", "home only", channel: "home");
        await _first.ServerEvents.NotifyAllAsync("cmd.sentinel", null);

        Assert.Equal("\"for ann\"", (await first.WaitForAsync(f => f.Selector == "cmd.private")).Body);
        Assert.Equal("\"home only\"", (await first.WaitForAsync(f => f.Selector == "cmd.private")).Body);
        Assert.Equal("\"for ann\"", (await second.WaitForAsync(f => f.Selector == "cmd.private")).Body);
        await second.WaitForAsync("cmd.sentinel");
        await bob.WaitForAsync("cmd.sentinel");
        Assert.Single(second.Received, f => f.Selector == "cmd.private");
        Assert.DoesNotContain(bob.Received, f => f.Selector == "cmd.private");
    }

    private Task<LoopbackServer> StartAsync() => LoopbackServer.StartAsync(build: builder =>
    {
        builder.Configuration["ConnectionStrings:Postgres"] = PostgresTestDatabase.ConnectionString;
        builder.Configuration["ServerEvents:Cluster:Postgres:SchemaName"] = _schema;
        builder.Services.AddServerEventsPostgres(builder.Configuration);
    });
}
