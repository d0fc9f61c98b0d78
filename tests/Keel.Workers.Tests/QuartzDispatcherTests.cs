using Keel.Core.Pipelines;
using Keel.Storage;
using Keel.Testing;
using Keel.Workers.Hosting;
using Keel.Workers.Quartz;
using Quartz;

namespace Keel.Workers.Tests;

/// <summary>The Quartz cluster on a real PostgreSQL: scheduling is idempotent, and two started nodes run each stage once.</summary>
public sealed class QuartzDispatcherTests : IAsyncLifetime
{
    private readonly PostgresStoresHarness _harness = new("keel-quartz");
    private KeelStores _stores = null!;

    public async ValueTask InitializeAsync() => _stores = await _harness.OpenAsync();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    private string ConnectionString => QuartzClusterOptions.ForBackendStore(_harness.BackendStoreUri).ConnectionString;

    [Fact]
    public async Task Dispatch_SameStageTwice_SchedulesOneJobThatRequestsRecovery()
    {
        await using var server = await QuartzCluster.JoinAsync(new QuartzClusterOptions { ConnectionString = ConnectionString, InstanceId = "server-a" }, null, CancellationToken.None);
        var dispatcher = new QuartzPipelineDispatcher(server.Scheduler);

        await dispatcher.DispatchAsync("run1", ["train@0.1", "evaluate"]);
        await dispatcher.DispatchAsync("run1", ["train@0.1"]);

        var keys = await server.Scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(QuartzPipelineDispatcher.JobGroup));
        Assert.Equal(["run1/evaluate", "run1/train@0.1"], keys.Select(k => k.Name).Order(StringComparer.Ordinal));
        var job = await server.Scheduler.GetJobDetail(QuartzPipelineDispatcher.KeyOf("run1", "train@0.1"));
        Assert.NotNull(job);
        Assert.True(job.RequestsRecovery);
        Assert.Single(await server.Scheduler.GetTriggersOfJob(job.Key));
        Assert.Equal(global::Quartz.SchedulerStatus.Created, await server.Scheduler.GetStatus());
    }

    [Fact]
    public async Task Join_ConcurrentlyOnAFreshDatabase_CreatesQuartzTablesOnceWithOurPrefix()
    {
        var options = new QuartzClusterOptions { ConnectionString = ConnectionString };
        var joins = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            QuartzCluster.JoinAsync(options with { InstanceId = $"node-{i}" }, null, CancellationToken.None)));
        foreach (var node in joins)
        {
            await node.DisposeAsync();
        }

        var tables = await _harness.QueryDatabaseAsync(
            "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'keel\\_qrtz\\_%'");
        Assert.True(Convert.ToInt64(tables, System.Globalization.CultureInfo.InvariantCulture) >= 11, $"{tables} Quartz tables");
    }

    [Fact]
    public async Task TwoWorkersInOneCluster_RunEveryStageExactlyOnce()
    {
        using var shared = new TempDirectory("keel-quartz-shared");
        var yaml = $"""
            stages:
              work:
                foreach: [1, 2, 3, 4, 5, 6]
                do:
                  cmd: echo ${"{item}"} >> {shared.Path}/ran.txt && echo ${"{item}"} > out-${"{item}"}.txt
                  outs:
                    - out-${"{item}"}.txt
            """;
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "once", yaml);
        var options = new PipelineWorkerOptions { Concurrency = 2, CheckinInterval = TimeSpan.FromSeconds(1) };
        await using var a = await PipelineWorker.StartAsync(_stores, _harness.BackendStoreUri, options with { WorkerId = "a" }, TimeProvider.System, null, CancellationToken.None);
        await using var b = await PipelineWorker.StartAsync(_stores, _harness.BackendStoreUri, options with { WorkerId = "b" }, TimeProvider.System, null, CancellationToken.None);
        await using var server = await QuartzCluster.JoinAsync(new QuartzClusterOptions { ConnectionString = ConnectionString, InstanceId = "server" }, null, CancellationToken.None);

        var runId = await TestPipelines.TriggerAsync(_stores, new QuartzPipelineDispatcher(server.Scheduler), "once");
        var run = await TestPipelines.WaitForEndAsync(_stores.Pipelines, runId, TimeSpan.FromSeconds(30));

        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        Assert.All(run.Stages, s => Assert.Single(s.Attempts));
        Assert.Equal(["1", "2", "3", "4", "5", "6"], (await File.ReadAllLinesAsync(Path.Combine(shared.Path, "ran.txt"))).Order(StringComparer.Ordinal));
        Assert.Equal("4\n", await TestPipelines.ReadOutAsync(_stores.Artifacts, runId, "work@4", "out-4.txt"));
        // Finished jobs are not durable: nothing is left behind in Quartz's tables.
        Assert.Empty(await server.Scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(QuartzPipelineDispatcher.JobGroup)));
    }

    [Fact]
    public async Task Worker_OnSqlite_IsRefusedWithAClearMessage()
    {
        await using var sqlite = new SqliteStoresHarness("keel-quartz-sqlite");
        var stores = await sqlite.OpenAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            PipelineWorker.StartAsync(stores, "sqlite:///keel.db", new PipelineWorkerOptions(), TimeProvider.System, null, CancellationToken.None));

        Assert.StartsWith("workers need PostgreSQL; on SQLite `keel server` runs stages itself", error.Message);
    }
}
