using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;
using ServerEvents.Grains.Hosting;
using ServerEvents.Grains.Storage;

namespace ServerEvents.Grains.History;

/// <summary>
/// A channel's history in pages of <see cref="ChatHistoryPage.Size"/> messages: an append rewrites only the newest
/// page (shared by concurrent appends), and the cap drops whole old pages, so a post never rewrites the whole
/// history. Every page is read into memory on activation and reads are served from there.
/// </summary>
[Reentrant]
public sealed class ChatHistoryGrain : Grain, IChatHistoryGrain
{
    private readonly IPersistentState<ChatHistoryHead> _head;
    private readonly SortedDictionary<long, StoredRecord<ChatHistoryPage>> _pages = [];
    private readonly HashSet<long> _dirty = [];
    private readonly WriteCoalescer _writer;
    private IGrainStorage _storage = null!;

    /// <summary>Creates the grain.</summary>
    public ChatHistoryGrain([PersistentState("chat-head", OrleansNames.GrainStorage)] IPersistentState<ChatHistoryHead> head)
    {
        _head = head;
        _writer = new WriteCoalescer(WriteAsync);
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(OrleansNames.GrainStorage);
        for (var page = _head.State.First; page <= _head.State.Last; page++)
        {
            var state = new StoredRecord<ChatHistoryPage> { State = new ChatHistoryPage() };
            await _storage.ReadStateAsync(PageName(page), this.GetGrainId(), state);
            _pages[page] = state;
        }
    }

    /// <inheritdoc />
    public async Task AppendAsync(ChatRecord message, int cap)
    {
        ArgumentNullException.ThrowIfNull(message);
        var last = Page(_head.State.Last);
        if (last.State.Messages.Count >= ChatHistoryPage.Size)
        {
            last = Page(++_head.State.Last);
        }

        last.State.Messages.Add(message);
        _dirty.Add(_head.State.Last);

        // Whole pages go once what is left still holds the cap.
        while (_pages.Count > 1 && Count() - _pages[_head.State.First].State.Messages.Count >= cap)
        {
            _pages.Remove(_head.State.First++);
        }

        await _writer.WriteAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChatRecord>> GetAsync(long afterId, int take) =>
        Task.FromResult<IReadOnlyList<ChatRecord>>(
            [.. _pages.Values.SelectMany(p => p.State.Messages).Where(m => m.Id > afterId).OrderByDescending(m => m.Id).Take(take).OrderBy(m => m.Id)]);

    /// <inheritdoc />
    public async Task<int> ClearAsync()
    {
        var count = Count();
        _pages.Clear();
        _head.State.First = ++_head.State.Last;
        await _writer.WriteAsync();
        return count;
    }

    private int Count() => _pages.Values.Sum(p => p.State.Messages.Count);

    private StoredRecord<ChatHistoryPage> Page(long page)
    {
        if (!_pages.TryGetValue(page, out var state))
        {
            _pages[page] = state = new StoredRecord<ChatHistoryPage> { State = new ChatHistoryPage() };
        }

        return state;
    }

    // The head goes first, so a page it no longer names is never read again; dropped pages are left to be overwritten
    // by nobody (their names are never reused) and cost only storage.
    private async Task WriteAsync()
    {
        await _head.WriteStateAsync();
        var dirty = _dirty.Where(_pages.ContainsKey).ToArray();
        _dirty.Clear();
        await Task.WhenAll(dirty.Select(p => _storage.WriteStateAsync(PageName(p), this.GetGrainId(), _pages[p])));
    }

    private static string PageName(long page) => $"chat-page-{page}";
}
