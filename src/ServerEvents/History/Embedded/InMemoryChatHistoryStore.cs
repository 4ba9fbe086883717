using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.History.Embedded;

/// <summary>Chat history held in this process, capped per channel.</summary>
public sealed class InMemoryChatHistoryStore(IOptionsMonitor<ServerEventsOptions> options) : IChatHistoryStore
{
    private readonly Dictionary<string, List<ChatMessage>> _channels = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            if (!_channels.TryGetValue(message.Channel, out var messages))
            {
                _channels[message.Channel] = messages = [];
            }

            // Ids come from a sequence, so appends are almost always in order; insert in place when one raced.
            var index = messages.Count;
            while (index > 0 && messages[index - 1].Id > message.Id)
            {
                index--;
            }

            messages.Insert(index, message);
            var cap = options.CurrentValue.ChatHistoryPerChannel;
            if (messages.Count > cap)
            {
                messages.RemoveRange(0, messages.Count - cap);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ChatMessage>> GetAsync(IReadOnlyCollection<string> channels, long afterId, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        lock (_gate)
        {
            IReadOnlyList<ChatMessage> result =
            [
                .. channels.Distinct()
                    .SelectMany(c => _channels.TryGetValue(c, out var messages) ? messages : [])
                    .Where(m => m.Id > afterId)
                    .OrderByDescending(m => m.Id)
                    .Take(take)
                    .OrderBy(m => m.Id),
            ];
            return ValueTask.FromResult(result);
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ClearAsync(string channel, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var removed = _channels.Remove(channel, out var messages) ? messages.Count : 0;
            return ValueTask.FromResult(removed);
        }
    }
}
