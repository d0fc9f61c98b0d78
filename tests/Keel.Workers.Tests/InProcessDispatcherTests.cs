using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Core.Datasets;
using Keel.Core.Pipelines;
using Keel.Core.Tracking;
using Keel.Storage;
using Keel.Testing;
using Keel.Workers.Hosting;
using Keel.Workers.Stages;

namespace Keel.Workers.Tests;

/// <summary>The embedded default: `keel server` on SQLite runs stages itself, with the semantics workers have.</summary>
public sealed class InProcessDispatcherTests : IAsyncLifetime
{
    private const string Pipeline = """
        stages:
          prepare:
            cmd: mkdir -p data && tr a-z A-Z < input.txt > data/prepared.txt && echo prepared
            deps: [input.txt]
            outs: [data/prepared.txt]
          train:
            foreach: [1, 2]
            do:
              cmd: mkdir -p models metrics && cat data/prepared.txt > models/m-${item}.txt && echo '{"acc":0.${item}}' > metrics/m-${item}.json
              deps: [data/prepared.txt]
              outs:
                - models/m-${item}.txt
              metrics:
                - metrics/m-${item}.json
        """;

    private readonly SqliteStoresHarness _harness = new("keel-inprocess");
    private KeelStores _stores = null!;
    private PipelineExecution _execution = null!;
    private readonly List<string> _log = [];

    public async ValueTask InitializeAsync()
    {
        _stores = await _harness.OpenAsync();
        _execution = await PipelineExecution.StartAsync(_stores, null, TimeProvider.System, line => { lock (_log) { _log.Add(line); } }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _execution.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Trigger_OnSqlite_RunsEveryStageInProcessAndStoresOutsLogsAndChildRuns()
    {
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "demo", Pipeline, new Dictionary<string, string> { ["input.txt"] = "hello" });

        var runId = await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "demo");
        var run = await TestPipelines.WaitForEndAsync(_stores.Pipelines, runId, TimeSpan.FromSeconds(30), Log);

        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        Assert.All(run.Stages, s => Assert.Equal(StageRunStatus.Succeeded, s.Status));
        Assert.Equal(["prepare", "train@1", "train@2"], run.Stages.Select(s => s.Stage));
        Assert.Equal("HELLO", await TestPipelines.ReadOutAsync(_stores.Artifacts, runId, "train@2", "models/m-2.txt"));
        var prepare = run.Stages[0];
        var attempt = Assert.Single(prepare.Attempts);
        Assert.Equal(0, attempt.ExitCode);
        Assert.NotNull(attempt.EndedAt);
        Assert.Equal("prepared\n", await TestPipelines.ReadTextAsync(_stores.Artifacts, PipelineArtifactPaths.Log(runId, "prepare", 1)));
        Assert.True(prepare.Outs.ContainsKey("data/prepared.txt"));

        // Each stage has a child run under the pipeline run's parent, with the metrics of its metrics file.
        var child = await _stores.Tracking.GetRunAsync(run.Stages[2].TrackingRunId!);
        Assert.NotNull(child);
        Assert.Contains(child.Tags, t => t.Key == "mlflow.parentRunId" && t.Value == run.TrackingRunId);
        Assert.Equal(0.2, Assert.Single(child.LatestMetrics, m => m.Key == "acc").Value);
        Assert.Equal(RunStatus.Finished, child.Info.Status);
    }

    [Fact]
    public async Task SecondRun_WithUnchangedInputs_IsRestoredFromTheRunCacheWithoutRunning()
    {
        var counter = Path.Combine(_harness.DataDirectory, "runs.txt");
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "cached", $"""
            stages:
              make:
                cmd: echo ran >> {counter} && echo out > out.txt
                outs: [out.txt]
            """);

        var first = await TestPipelines.WaitForEndAsync(_stores.Pipelines,
            await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "cached"), TimeSpan.FromSeconds(30), Log);
        var second = await TestPipelines.WaitForEndAsync(_stores.Pipelines,
            await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "cached"), TimeSpan.FromSeconds(30), Log);

        Assert.Equal(StageRunStatus.Succeeded, first.Stages[0].Status);
        Assert.Equal(StageRunStatus.Restored, second.Stages[0].Status);
        Assert.Equal(PipelineRunStatus.Succeeded, second.Status);
        Assert.Equal(first.Stages[0].Outs, second.Stages[0].Outs);
        Assert.Equal("out\n", await TestPipelines.ReadOutAsync(_stores.Artifacts, second.Id, "make", "out.txt"));
        Assert.Equal(["ran"], await File.ReadAllLinesAsync(counter));
    }

    [Fact]
    public async Task ReRegisteringWhileARunIsUnderWay_ChangesTheNextRun_NotTheRestOfThisOne()
    {
        var marker = Path.Combine(_harness.DataDirectory, "first-started");
        string Version(string word, string file) => $"""
            stages:
              first:
                cmd: touch '{marker}' && sleep 2 && cat {file} > seen.txt
                deps: [{file}]
                outs: [seen.txt]
              second:
                cmd: echo {word} >> seen.txt && cp seen.txt final.txt
                deps: [seen.txt]
                outs: [final.txt]
            """;
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "moving", Version("old", "a.txt"), new Dictionary<string, string> { ["a.txt"] = "from a" });

        var runId = await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "moving");
        while (!File.Exists(marker))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        // A new file and a new folder snapshot (b.txt only) while `first` runs.
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "moving", Version("new", "b.txt"), new Dictionary<string, string> { ["b.txt"] = "from b" });
        var run = await TestPipelines.WaitForEndAsync(_stores.Pipelines, runId, TimeSpan.FromSeconds(30), Log);
        var next = await TestPipelines.WaitForEndAsync(_stores.Pipelines,
            await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "moving"), TimeSpan.FromSeconds(30), Log);

        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        Assert.Equal("from aold\n", await TestPipelines.ReadOutAsync(_stores.Artifacts, runId, "second", "final.txt"));
        Assert.Equal(PipelineRunStatus.Succeeded, next.Status);
        Assert.Equal("from bnew\n", await TestPipelines.ReadOutAsync(_stores.Artifacts, next.Id, "second", "final.txt"));
    }

    [Fact]
    public async Task FailingStage_IsRetriedThenFailsWithItsLogsAndCancelsOnlyItsDependents()
    {
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "failing", """
            stages:
              broken:
                cmd: echo trying; exit 3
                outs: [never.txt]
                retries: 1
                retry_backoff: 1s
              after:
                cmd: cat never.txt
                deps: [never.txt]
              unrelated:
                cmd: echo fine > fine.txt
                outs: [fine.txt]
            """);

        var run = await TestPipelines.WaitForEndAsync(_stores.Pipelines,
            await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "failing"), TimeSpan.FromSeconds(30), Log);

        Assert.Equal(PipelineRunStatus.Failed, run.Status);
        var broken = run.Stages.Single(s => s.Stage == "broken");
        Assert.Equal(StageRunStatus.Failed, broken.Status);
        Assert.Equal("exit code 3 (2 attempts)", broken.Message);
        Assert.Equal([3, 3], broken.Attempts.Select(a => a.ExitCode));
        Assert.Equal("trying\n", await TestPipelines.ReadTextAsync(_stores.Artifacts, PipelineArtifactPaths.Log(run.Id, "broken", 2)));
        Assert.Equal(StageRunStatus.Cancelled, run.Stages.Single(s => s.Stage == "after").Status);
        Assert.Equal(StageRunStatus.Succeeded, run.Stages.Single(s => s.Stage == "unrelated").Status);
    }

    [Fact]
    public async Task StageThatDoesNotWriteItsOut_FailsNamingTheOut()
    {
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "lazy", """
            stages:
              lazy:
                cmd: "true"
                outs: [model.bin]
            """);

        var run = await TestPipelines.WaitForEndAsync(_stores.Pipelines,
            await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "lazy"), TimeSpan.FromSeconds(30), Log);

        var stage = Assert.Single(run.Stages);
        Assert.Equal(StageRunStatus.Failed, stage.Status);
        Assert.Equal("the command succeeded but did not write 'model.bin'", stage.Message);
        Assert.Equal(0, Assert.Single(stage.Attempts).ExitCode);
    }

    [Fact]
    public async Task WorkspaceArchiveMissing_FailsTheStageNamingIt()
    {
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "gone", """
            stages:
              one:
                cmd: cat input.txt
                deps: [input.txt]
            """, new Dictionary<string, string> { ["input.txt"] = "x" });
        var pipeline = (await _stores.Pipelines.GetPipelineAsync("gone"))!;
        await _stores.Artifacts.DeleteAsync(PipelineArtifactPaths.Workspace(pipeline)!);

        var run = await TestPipelines.WaitForEndAsync(_stores.Pipelines,
            await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "gone"), TimeSpan.FromSeconds(30), Log);

        var stage = Assert.Single(run.Stages);
        Assert.Equal(StageRunStatus.Failed, stage.Status);
        Assert.StartsWith("the workspace of pipeline 'gone' is missing from the artifact store", stage.Message);
    }

    [Fact]
    public async Task DatasetDep_IsFetchedFromTheDataObjectStoreAtItsPath_AndAMissingVersionFailsTheStage()
    {
        var csv = "x,y\n1,2\n"u8.ToArray();
        var chunk = ContentHash.Of(csv);
        await _stores.DataObjectStore.PutAsync(chunk, new MemoryStream(csv));
        var manifest = new DataManifest(false, [new ManifestFile("table.csv", csv.Length, [new ChunkRef(chunk, csv.Length)])]);
        await _stores.DataObjectStore.PutAsync(manifest.ComputeHash(), new MemoryStream(manifest.ToCanonicalJson()));
        await _stores.Datasets.CreateDatasetAsync(new NewDataset("table", "", [], 0));
        await _stores.Datasets.CreateVersionAsync(new NewDatasetVersion("table", manifest.ComputeHash(), csv.Length, 1, "file", "", [], null, null, null, null, null, 0));
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "data", """
            stages:
              count:
                cmd: wc -l < raw/table.csv > rows.txt
                deps:
                  - {dataset: table, path: raw/table.csv}
                outs: [rows.txt]
              pinned:
                cmd: cat raw/old.csv
                deps:
                  - {dataset: table, version: 7, path: raw/old.csv}
            """);

        var run = await TestPipelines.WaitForEndAsync(_stores.Pipelines,
            await TestPipelines.TriggerAsync(_stores, _execution.Dispatcher, "data"), TimeSpan.FromSeconds(30), Log);

        var count = run.Stages.Single(s => s.Stage == "count");
        Assert.Equal(StageRunStatus.Succeeded, count.Status);
        Assert.Equal("2", (await TestPipelines.ReadOutAsync(_stores.Artifacts, run.Id, "count", "rows.txt")).Trim());
        var pinned = run.Stages.Single(s => s.Stage == "pinned");
        Assert.Equal(StageRunStatus.Failed, pinned.Status);
        Assert.Equal("deps: dataset 'table' has no version 7", pinned.Message);
    }

    [Fact]
    public async Task Restart_StageLeftRunningByAStoppedServer_IsRunAgainToCompletion()
    {
        await TestPipelines.RegisterAsync(_stores.Pipelines, _stores.Artifacts, "interrupted", """
            stages:
              one:
                cmd: echo one > one.txt
                outs: [one.txt]
            """);
        // A server that stopped mid-stage: Queued, an attempt started, never ended.
        var runId = Guid.NewGuid().ToString("N");
        await _stores.Pipelines.CreateRunAsync(new PipelineRun(runId, "interrupted", PipelineRunTrigger.Manual, "", new Dictionary<string, string>(),
            PipelineRunStatus.Running, 0, 0, null, null, [new StageRun("one", StageRunStatus.Pending, [], new Dictionary<string, string>(), "", null)]));
        Assert.True(await _stores.Pipelines.TryMoveStageAsync(runId, "one", [StageRunStatus.Pending], StageRunStatus.Queued, ""));
        await _stores.Pipelines.StartAttemptAsync(runId, "one", "server-gone", 1);

        await using var restarted = await PipelineExecution.StartAsync(_stores, null, TimeProvider.System, null, CancellationToken.None);
        var run = await TestPipelines.WaitForEndAsync(_stores.Pipelines, runId, TimeSpan.FromSeconds(30), Log);

        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        Assert.Equal(["server-gone", $"server-{StageJobOptions.DefaultWorkerId()}"], run.Stages[0].Attempts.Select(a => a.Worker));
    }

    private string Log()
    {
        lock (_log)
        {
            return string.Join(Environment.NewLine, _log);
        }
    }
}
