using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Hosting;

namespace ServerEvents.Api.Admin;

/// <summary>
/// Samples this node once per <see cref="AdminOptions.SampleInterval"/> and publishes a <see cref="NodeSnapshot"/> to
/// the admin channel. Every node of a cluster runs one; the dashboard merges them by node id. While nobody watches
/// the channel, nothing is sampled beyond the one directory lookup that finds that out.
/// </summary>
internal sealed partial class SnapshotPublisher(
    IServerEvents serverEvents,
    IClusterTier tier,
    ServerEventsNode node,
    MeterSampler meter,
    RecentErrorLog errors,
    SiloDirectory silos,
    HealthCheckService health,
    IOptionsMonitor<AdminOptions> options,
    TimeProvider time,
    ILogger<SnapshotPublisher> logger) : BackgroundService
{
    /// <summary>The selector the dashboard listens for: <c>cmd.adminSnapshot</c>.</summary>
    public const string Selector = "cmd.adminSnapshot";

    private readonly string _tierName = tier.GetType().Name.Replace("ClusterTier", string.Empty, StringComparison.Ordinal);
    private DateTimeOffset _startedAt;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _startedAt = time.GetUtcNow();
        using var timer = new PeriodicTimer(options.CurrentValue.SampleInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await PublishAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // One failed sample (a tier hiccup) must not end the dashboard: the next tick tries again.
                LogSampleFailed(logger, ex);
            }
        }
    }

    /// <summary>Samples this node and publishes the snapshot, if anyone is watching.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;

        // One lookup of a small channel while nobody watches; the whole directory only while someone does.
        var watchers = await serverEvents.GetSubscriptionsDetailsAsync([current.Channel], cancellationToken).ConfigureAwait(false);
        if (watchers.Count == 0)
        {
            return;
        }

        var subscriptions = await serverEvents.GetSubscriptionsDetailsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var members = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var channel in subscriptions.SelectMany(s => s.Channels))
        {
            members[channel] = members.GetValueOrDefault(channel) + 1;
        }

        var snapshot = new NodeSnapshot(
            node.Id,
            _tierName,
            time.GetUtcNow(),
            _startedAt,
            serverEvents.GetStatistics(),
            meter.Sample(),
            await CheckHealthAsync(current.HealthCheckTimeout, cancellationToken).ConfigureAwait(false),
            [.. members.OrderByDescending(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal)
                .Take(current.BusiestChannels)
                .Select(m => new ChannelMembers(m.Key, m.Value))],
            await silos.GetAsync(cancellationToken).ConfigureAwait(false),
            errors.Snapshot());
        await serverEvents.NotifyChannelAsync(current.Channel, Selector, snapshot, cancellationToken).ConfigureAwait(false);
    }

    private async Task<NodeHealth> CheckHealthAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            var report = await health.CheckHealthAsync(timeoutSource.Token).ConfigureAwait(false);
            var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
                .Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()}")
                .ToList();
            return new NodeHealth(report.Status.ToString(), failing.Count == 0 ? null : string.Join("; ", failing));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new NodeHealth(nameof(HealthStatus.Unhealthy), $"The health checks took longer than {timeout.TotalSeconds:0.#} s.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling this node for the admin dashboard failed.")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
