using Microsoft.Extensions.Options;
using ServerEvents.Grains.History;
using ServerEvents.History;
using ServerEvents.Hosting;

namespace ServerEvents.Orleans.History;

/// <summary>Chat history in one grain per channel, durable in the grain storage, capped like the embedded store.</summary>
public sealed class OrleansChatHistoryStore : IChatHistoryStore
{
    private readonly IClusterClient _client;
    private readonly IOptionsMonitor<ServerEventsOptions> _serverEvents;
    private readonly string _scope;

    /// <summary>Creates the store.</summary>
    public OrleansChatHistoryStore(IClusterClient client, IOptions<OrleansClusterOptions> options, IOptionsMonitor<ServerEventsOptions> serverEvents)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _scope = options.Value.Scope;
        _serverEvents = serverEvents;
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var record = new ChatRecord(
            message.Id, message.Channel, message.FromUserId, message.FromName, message.DisplayName, message.Message, message.Private, message.CreatedAt, message.ToUserId);
        return ClusterCall.RunAsync(Channel(message.Channel).AppendAsync(record, _serverEvents.CurrentValue.ChatHistoryPerChannel), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ChatMessage>> GetAsync(IReadOnlyCollection<string> channels, long afterId, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var pages = await ClusterCall.RunAsync(Task.WhenAll(channels.Distinct().Select(c => Channel(c).GetAsync(afterId, take))), cancellationToken).ConfigureAwait(false);
        return
        [
            .. pages.SelectMany(p => p)
                .OrderByDescending(m => m.Id)
                .Take(take)
                .OrderBy(m => m.Id)
                .Select(m => new ChatMessage(m.Id, m.Channel, m.FromUserId, m.FromName, m.DisplayName, m.Message, m.Private, m.CreatedAt) { ToUserId = m.ToUserId }),
        ];
    }

    /// <inheritdoc />
    public ValueTask<int> ClearAsync(string channel, CancellationToken cancellationToken = default) =>
        ClusterCall.RunAsync(Channel(channel).ClearAsync(), cancellationToken);

    private IChatHistoryGrain Channel(string channel) => _client.GetGrain<IChatHistoryGrain>($"{_scope}/{channel}");
}
