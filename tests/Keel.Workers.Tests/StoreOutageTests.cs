using Keel.Core.Pipelines;
using Keel.Storage;
using Keel.Testing;
using Keel.Workers.Hosting;

namespace Keel.Workers.Tests;

/// <summary>
/// A stage whose command ends while the database is down: its result waits for the database instead of being lost,
/// so once PostgreSQL is back the stage is recorded Succeeded (one attempt, ended) and the run goes on to the next stage.
/// A private cluster is stopped and started again under the running stage.
/// </summary>
public sealed class StoreOutageTests
{
    private const string Pipeline = """
        stages:
          slow:
            cmd: touch '${marker}' && sleep 3 && echo done > out.txt
            outs: [out.txt]
          next:
            cmd: tr a-z A-Z < out.txt > next.txt
            deps: [out.txt]
            outs: [next.txt]
        """;

    [Fact]
    public async Task StageEndingWhileTheDatabaseIsDown_IsRecordedOnceItReturns_AndTheRunGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await PostgresCluster.StartAsync(ct);
        using var data = new TempDirectory("keel-stage-outage");
        await using var stores = await KeelStorage.OpenAsync(new StorageOptions(data.Path, cluster.Uri), TimeProvider.System, ct);
        var log = new List<string>();
        string Log()
        {
            lock (log)
            {
                return string.Join(Environment.NewLine, log);
            }
        }
        await using var execution = await PipelineExecution.StartAsync(stores, null, TimeProvider.System, line => { lock (log) { log.Add(line); } }, ct);
        var marker = Path.Combine(data.Path, "started");
        await TestPipelines.RegisterAsync(stores.Pipelines, stores.Artifacts, "outage", Pipeline.Replace("${marker}", marker, StringComparison.Ordinal), new Dictionary<string, string>());

        var runId = await TestPipelines.TriggerAsync(stores, execution.Dispatcher, "outage");
        await WaitForAsync(() => File.Exists(marker), TimeSpan.FromSeconds(30), Log);
        await cluster.StopAsync(ct);
        // The 3-s command ends while the database is away; its result must wait rather than be dropped.
        await WaitForAsync(() => Log().Contains("the database is unreachable", StringComparison.Ordinal), TimeSpan.FromSeconds(30), Log);
        await Task.Delay(1_000, ct);
        await cluster.StartAgainAsync(ct);
        var run = await TestPipelines.WaitForEndAsync(stores.Pipelines, runId, TimeSpan.FromSeconds(60), Log);

        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        var slow = run.Stages.Single(s => s.Stage == "slow");
        Assert.Equal(StageRunStatus.Succeeded, slow.Status);
        var attempt = Assert.Single(slow.Attempts);
        Assert.NotNull(attempt.EndedAt);
        Assert.Equal(0, attempt.ExitCode);
        Assert.Equal(StageRunStatus.Succeeded, run.Stages.Single(s => s.Stage == "next").Status);
        Assert.Equal("DONE\n", await TestPipelines.ReadOutAsync(stores.Artifacts, runId, "next", "next.txt"));
        Assert.Contains("the database is back", Log(), StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (!condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"not reached within {timeout}:{Environment.NewLine}{diagnostics()}");
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
