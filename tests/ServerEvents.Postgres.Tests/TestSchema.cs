namespace ServerEvents.Postgres.Tests;

/// <summary>
/// A schema of its own for one test class, and the nodes started in it: disposing stops the nodes first, then
/// drops the schema.
/// </summary>
internal sealed class TestSchema : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _nodes = [];

    public string Name { get; } = PostgresTestDatabase.NewSchemaName();

    /// <summary>Stops <paramref name="node"/> with the schema; returns it.</summary>
    public T Own<T>(T node)
        where T : IAsyncDisposable
    {
        _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await PostgresTestDatabase.DropSchemaAsync(Name);
    }
}
