using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Core.Tracking;
using Keel.Monitoring.Scheduling;
using Keel.Storage;
using Keel.Testing;

namespace Keel.Server.Tests.Pipelines;

/// <summary>The run coordinator on a real SQLite file.</summary>
public sealed class SqlitePipelineRunCoordinatorTests : PipelineRunCoordinatorContract
{
    private readonly SqliteStoresHarness _backend = new("keel-pipeline-coordinator");

    protected override Task<KeelStores> OpenAsync() => _backend.OpenAsync();

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}

/// <summary>The run coordinator on a fresh PostgreSQL database, where concurrent advances really race.</summary>
public sealed class PostgresPipelineRunCoordinatorTests : PipelineRunCoordinatorContract
{
    private readonly PostgresStoresHarness _backend = new("keel-pipeline-coordinator");

    protected override Task<KeelStores> OpenAsync() => _backend.OpenAsync();

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}

/// <summary>The run coordinator and trigger path of <see cref="PipelineService"/> on a real store, with a recording dispatcher.</summary>
public abstract class PipelineRunCoordinatorContract : IAsyncLifetime
{
    private readonly RecordingDispatcher _dispatcher = new();
    private KeelStores _stores = null!;
    private PipelineService _service = null!;
    private PipelineRunCoordinator _coordinator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<KeelStores> OpenAsync();

    public async ValueTask InitializeAsync()
    {
        _stores = await OpenAsync();
        (_service, _coordinator) = Build(_dispatcher);
        await _service.RegisterAsync(PipelineFixtures.Named("churn"), PipelineFixtures.ChainParams, null, null, Ct);
    }

    public abstract ValueTask DisposeAsync();

    private (PipelineService, PipelineRunCoordinator) Build(IPipelineDispatcher? dispatcher)
    {
        var tracking = new PipelineRunTracking(_stores.Tracking, TimeProvider.System);
        var coordinator = new PipelineRunCoordinator(_stores.Pipelines, tracking, TimeProvider.System, dispatcher);
        return (new PipelineService(_stores.Pipelines, coordinator, tracking, new CronosSchedule(), _stores.Artifacts, TimeProvider.System), coordinator);
    }

    /// <summary>What a worker does with a dispatched stage: start an attempt, finish it, advance the run.</summary>
    private async Task<PipelineRun> FinishAsync(string runId, string stage, StageRunStatus status, string message = "")
    {
        var attempt = await _stores.Pipelines.StartAttemptAsync(runId, stage, "test-worker", 1, Ct);
        Assert.True(await _stores.Pipelines.TryFinishStageAsync(runId, stage, attempt, status, new Dictionary<string, string>(), message, null, Ct));
        return await _coordinator.AdvanceAsync(runId, Ct);
    }

    private static StageRunStatus StatusOf(PipelineRun run, string stage) => run.Stages.Single(s => s.Stage == stage).Status;

    [Fact]
    public async Task Trigger_QueuesAndDispatchesOnlyStagesWithoutUpstream()
    {
        var run = await _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", null, "alice", Ct);

        Assert.Equal(["prepare", "lint"], _dispatcher.StagesOf(run.Id).Order().Reverse());
        Assert.Equal(StageRunStatus.Queued, StatusOf(run, "prepare"));
        Assert.Equal(StageRunStatus.Queued, StatusOf(run, "lint"));
        Assert.Equal(StageRunStatus.Pending, StatusOf(run, "train"));
        Assert.Equal(StageRunStatus.Pending, StatusOf(run, "evaluate"));
        Assert.Equal(PipelineRunStatus.Running, run.Status);
        Assert.NotNull(run.StartedAt);
        Assert.Equal(["prepare", "train", "evaluate", "lint"], run.Stages.Select(s => s.Stage).Where(s => s != "lint").Append("lint"));
    }

    [Fact]
    public async Task Trigger_CreatesTheParentTrackingRun_TaggedWithPipelineRunAndTrigger()
    {
        var run = await _service.TriggerAsync("churn", PipelineRunTrigger.DatasetVersion, "churn-train@4", null, "keel", Ct);

        var tracked = await _stores.Tracking.GetRunAsync(run.TrackingRunId!, Ct);
        Assert.NotNull(tracked);
        var tags = tracked.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("churn", tags[PipelineRunTracking.PipelineTag]);
        Assert.Equal(run.Id, tags[PipelineRunTracking.PipelineRunIdTag]);
        Assert.Equal("DatasetVersion: churn-train@4", tags[PipelineRunTracking.TriggerTag]);
        Assert.Equal("churn", (await _stores.Tracking.GetExperimentAsync(tracked.Info.ExperimentId, Ct))!.Name);
        Assert.Equal(RunStatus.Running, tracked.Info.Status);
    }

    [Fact]
    public async Task Advance_AfterAStageSucceeds_QueuesItsDependentsOnce()
    {
        var run = await _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", null, null, Ct);

        var after = await FinishAsync(run.Id, "prepare", StageRunStatus.Succeeded);
        var again = await _coordinator.AdvanceAsync(run.Id, Ct);

        Assert.Equal(StageRunStatus.Queued, StatusOf(after, "train"));
        Assert.Equal(StageRunStatus.Pending, StatusOf(again, "evaluate"));
        Assert.Single(_dispatcher.StagesOf(run.Id), s => s == "train");
    }

    [Fact]
    public async Task Advance_ConcurrentCallers_DispatchEachReadyStageOnce()
    {
        var run = await _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", null, null, Ct);
        var attempt = await _stores.Pipelines.StartAttemptAsync(run.Id, "prepare", "w", 1, Ct);
        await _stores.Pipelines.TryFinishStageAsync(run.Id, "prepare", attempt, StageRunStatus.Succeeded, new Dictionary<string, string>(), "", null, Ct);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => _coordinator.AdvanceAsync(run.Id, Ct), Ct)));

        Assert.Single(_dispatcher.StagesOf(run.Id), s => s == "train");
    }

    [Fact]
    public async Task Advance_AfterAFailure_CancelsEveryDependentNamingTheFailedStage_AndLetsUnrelatedStagesFinish()
    {
        var run = await _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", null, null, Ct);

        var afterFailure = await FinishAsync(run.Id, "prepare", StageRunStatus.Failed, "exit code 1");

        Assert.Equal(StageRunStatus.Cancelled, StatusOf(afterFailure, "train"));
        Assert.Equal(StageRunStatus.Cancelled, StatusOf(afterFailure, "evaluate"));
        Assert.Contains("'prepare' failed", afterFailure.Stages.Single(s => s.Stage == "train").Message, StringComparison.Ordinal);
        Assert.Contains("'prepare' failed", afterFailure.Stages.Single(s => s.Stage == "evaluate").Message, StringComparison.Ordinal);
        Assert.Equal(PipelineRunStatus.Running, afterFailure.Status);
        Assert.DoesNotContain("train", _dispatcher.StagesOf(run.Id));

        var ended = await FinishAsync(run.Id, "lint", StageRunStatus.Succeeded);
        Assert.Equal(PipelineRunStatus.Failed, ended.Status);
        Assert.NotNull(ended.EndedAt);
        Assert.Equal(RunStatus.Failed, (await _stores.Tracking.GetRunAsync(run.TrackingRunId!, Ct))!.Info.Status);
    }

    [Fact]
    public async Task Advance_WhenEveryStageSucceedsOrIsRestored_EndsTheRunAndItsTrackingRun()
    {
        var run = await _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", null, null, Ct);

        await FinishAsync(run.Id, "lint", StageRunStatus.Succeeded);
        await FinishAsync(run.Id, "prepare", StageRunStatus.Restored);
        await FinishAsync(run.Id, "train", StageRunStatus.Succeeded);
        var ended = await FinishAsync(run.Id, "evaluate", StageRunStatus.Succeeded);

        Assert.Equal(PipelineRunStatus.Succeeded, ended.Status);
        Assert.NotNull(ended.EndedAt);
        Assert.True(ended.EndedAt >= ended.StartedAt);
        var tracked = (await _stores.Tracking.GetRunAsync(run.TrackingRunId!, Ct))!;
        Assert.Equal(RunStatus.Finished, tracked.Info.Status);
        Assert.Equal(["lint", "prepare", "train", "evaluate"], _dispatcher.StagesOf(run.Id).OrderBy(s => s == "lint" ? 0 : s == "prepare" ? 1 : s == "train" ? 2 : 3));
        Assert.Equal(4, _dispatcher.StagesOf(run.Id).Count);
    }

    [Fact]
    public async Task Advance_AnEndedRun_ChangesNothing()
    {
        var run = await _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", null, null, Ct);
        await FinishAsync(run.Id, "prepare", StageRunStatus.Failed);
        var ended = await FinishAsync(run.Id, "lint", StageRunStatus.Failed);

        var again = await _coordinator.AdvanceAsync(run.Id, Ct);

        Assert.Equal(PipelineRunStatus.Failed, again.Status);
        Assert.Equal(ended.EndedAt, again.EndedAt);
        Assert.Equal(ended.Stages.Select(s => (s.Stage, s.Status, s.Message)), again.Stages.Select(s => (s.Stage, s.Status, s.Message)));
        Assert.Equal(2, _dispatcher.StagesOf(run.Id).Count);
    }

    [Fact]
    public async Task Advance_UnknownRun_IsNotFound()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => _coordinator.AdvanceAsync("nope", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task Trigger_WithoutADispatcher_IsRefusedAndStoresNoRun()
    {
        var (service, _) = Build(null);

        var e = await Assert.ThrowsAsync<KeelException>(() => service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", null, null, Ct));

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains("No pipeline executor configured", e.Message, StringComparison.Ordinal);
        Assert.Empty(await _stores.Pipelines.ListRunsAsync("churn", 10, Ct));
    }

    [Fact]
    public async Task Advance_WhenDispatchFails_PutsStagesBackToPending_SoTheNextAdvanceDispatchesThem()
    {
        _dispatcher.Fail = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", null, null, Ct));
        var stuck = (await _stores.Pipelines.ListRunsAsync("churn", 1, Ct))[0];
        Assert.All(stuck.Stages, s => Assert.Equal(StageRunStatus.Pending, s.Status));

        _dispatcher.Fail = false;
        var advanced = await _coordinator.AdvanceAsync(stuck.Id, Ct);

        Assert.Equal(StageRunStatus.Queued, StatusOf(advanced, "prepare"));
        Assert.Equal(2, _dispatcher.StagesOf(stuck.Id).Count);
    }

    [Fact]
    public async Task Trigger_WithParamOverrides_StoresThem_AndABadKeyIsRefused()
    {
        var run = await _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", new Dictionary<string, string?> { ["prepare.split"] = "0.3" }, null, Ct);
        Assert.Equal("0.3", run.ParamOverrides["prepare.split"]);

        var e = await Assert.ThrowsAsync<KeelException>(() =>
            _service.TriggerAsync("churn", PipelineRunTrigger.Manual, "", new Dictionary<string, string?> { ["bad key"] = "1" }, null, Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("bad key", e.Message, StringComparison.Ordinal);
    }
}
