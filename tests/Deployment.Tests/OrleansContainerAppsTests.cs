using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Xunit.Abstractions;

namespace Deployment.Tests;

/// <summary>
/// The Orleans topology's silo and front-end started as Container Apps starts them (<see cref="OrleansContainerApps"/>)
/// against Azurite: they come up ready and form one cluster, and a silo stopped with SIGTERM during live publishing
/// (a roll-out or scale-in) leaves the cluster, exits 0 and loses no acknowledged message.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class OrleansContainerAppsTests(ITestOutputHelper output)
{
    // Container Apps sends SIGKILL 60 s after SIGTERM (infra/modules/silo.bicep: terminationGracePeriodSeconds).
    private static readonly TimeSpan SiloExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_silo_and_a_front_end_with_only_their_container_environment_come_up_ready_in_one_cluster_and_carry_events()
    {
        await using var apps = await OrleansContainerApps.CreateAsync();
        // Each start waits until /health/ready answers 200, as Container Apps' readiness probe does.
        var (_, siloPort) = await apps.StartSiloAsync(0);
        var frontEnd = await apps.StartFrontEndAsync(new Dictionary<string, string?>(ChannelPublisher.NodeSettings));

        // The silo advertises the address it was given (the environment's static IP in Azure) with its own port.
        var members = await MembersAsync(apps.ClusterId);
        Assert.Equal("Active", members[("127.0.0.1", siloPort)]);

        // The front-end's events go through the cluster: what it publishes comes back on its stream.
        var channel = "deploy" + Guid.NewGuid().ToString("N")[..12];
        using var toFrontEnd = frontEnd.CreateClient();
        await using var subscriber = await EventStreamReader.OpenAsync(toFrontEnd, "event-stream?channels=" + channel);
        await using var publisher = await ChannelPublisher.StartAsync(frontEnd, channel);
        await WaitForNumbersAsync(subscriber, 10);
        var total = await publisher.StopAsync();
        await WaitForNumbersAsync(subscriber, total);
        Assert.Equal(Enumerable.Range(1, total), ChannelPublisher.Numbers(subscriber.Received));
    }

    [Fact]
    public async Task SIGTERM_to_one_of_two_silos_during_live_publishing_loses_no_acknowledged_message_and_the_silo_exits_0()
    {
        await using var apps = await OrleansContainerApps.CreateAsync();
        var silos = await Task.WhenAll(apps.StartSiloAsync(0), apps.StartSiloAsync(1));
        var fast = new Dictionary<string, string?>(ChannelPublisher.NodeSettings);
        var frontEnds = new[] { await apps.StartFrontEndAsync(fast), await apps.StartFrontEndAsync(fast) };
        var channel = "deploy" + Guid.NewGuid().ToString("N")[..12];

        using var toFirst = frontEnds[0].CreateClient();
        using var toSecond = frontEnds[1].CreateClient();
        await using var onFirst = await EventStreamReader.OpenAsync(toFirst, "event-stream?channels=" + channel);
        await using var onSecond = await EventStreamReader.OpenAsync(toSecond, "event-stream?channels=" + channel);
        await using var publisher = await ChannelPublisher.StartAsync(frontEnds[0], channel, retryUnavailable: true);
        await WaitForNumbersAsync(onFirst, 50);
        await WaitForNumbersAsync(onSecond, 50);

        var (doomed, doomedPort) = silos[0];
        var stopping = Stopwatch.StartNew();
        doomed.Terminate();
        Assert.True(await doomed.WaitForExitAsync(SiloExitTimeout), $"the silo still ran {SiloExitTimeout} after SIGTERM:\n{doomed.Output}");
        output.WriteLine($"the silo exited {stopping.Elapsed.TotalSeconds:F1} s after SIGTERM");
        Assert.True(doomed.ExitCode == 0, $"the silo exited with {doomed.ExitCode}:\n{doomed.Output}");
        Assert.Equal("Dead", (await MembersAsync(apps.ClusterId))[("127.0.0.1", doomedPort)]);

        // Publishing goes on through the remaining silo; then every acknowledged number must have reached both streams.
        var beforeStop = ChannelPublisher.Numbers(onSecond.Received).Count;
        await WaitForNumbersAsync(onFirst, beforeStop + 50);
        await WaitForNumbersAsync(onSecond, beforeStop + 50);
        var total = await publisher.StopAsync();
        output.WriteLine($"{total} posts acknowledged, {publisher.Unavailable.Count} numbers answered 503 at least once");

        foreach (var stream in new[] { onFirst, onSecond })
        {
            await WaitForNumbersAsync(stream, total);
            var frames = stream.Received.Where(f => f.Selector == ChannelPublisher.Selector).ToList();
            var numbers = ChannelPublisher.Numbers(frames);

            // In order, each acknowledged number once; a number posted again after a 503 may also have been published
            // by the refused post, so only those may appear twice, and next to each other.
            Assert.Equal(Enumerable.Range(1, total), numbers.Distinct());
            Assert.All(numbers.GroupBy(n => n).Where(g => g.Count() > 1), g => Assert.Contains(g.Key, publisher.Unavailable));
            var ids = frames.Select(f => long.Parse(f.Id, CultureInfo.InvariantCulture)).ToList();
            Assert.All(ids.Zip(ids.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"id {pair.Second} after {pair.First}"));
        }
    }

    private static async Task WaitForNumbersAsync(EventStreamReader stream, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (ChannelPublisher.Numbers(stream.Received).Distinct().Count() < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {ChannelPublisher.Numbers(stream.Received).Distinct().Count()} of {count} numbers arrived");
            await Task.Delay(20);
        }
    }

    /// <summary>The status of each silo of the cluster by its advertised address and silo port, from the membership table.</summary>
    private static async Task<Dictionary<(string Address, int Port), string>> MembersAsync(string clusterId)
    {
        var table = new TableServiceClient(AzuriteServer.SharedConnectionString).GetTableClient("OrleansSiloInstances");
        var members = new Dictionary<(string, int), string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}")))
        {
            if (row.GetString("Address") is { } address && row.GetString("Port") is { } port && row.GetString("Status") is { } status)
            {
                members[(address, int.Parse(port, CultureInfo.InvariantCulture))] = status;
            }
        }

        return members;
    }
}
