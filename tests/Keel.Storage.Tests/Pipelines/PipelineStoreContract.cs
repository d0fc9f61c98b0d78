using Keel.Core.Common;
using Keel.Core.Pipelines;

namespace Keel.Storage.Tests.Pipelines;

/// <summary>
/// What every <see cref="IPipelineStore"/> backend must do, including the compare-and-set races between replicas and
/// workers. Each backend subclass says only how to open a fresh store and how to reopen the same one.
/// </summary>
public abstract class PipelineStoreContract : IAsyncLifetime
{
    private const long T0 = 1_740_000_000_000;

    private IPipelineStore? _store;

    protected IPipelineStore Store => _store ?? throw new InvalidOperationException("store not opened");

    protected abstract Task<IPipelineStore> OpenFreshAsync();

    protected abstract Task<IPipelineStore> ReopenAsync();

    public async ValueTask InitializeAsync() => _store = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StageRunStatus[] Pending = [StageRunStatus.Pending];

    internal static RegisteredPipeline Pipeline(string name, long now = T0, string? schedule = "0 3 * * *", long? nextRunAt = T0 + 1000) => new(
        name, "stages:\n  a:\n    cmd: true\n", "lr: 0.1\n", $"pipelines/{name}/workspace-{new string('a', 64)}.tar.gz", schedule,
        [new PipelineTrigger(PipelineTriggerKind.DatasetVersion, "churn-train"), new PipelineTrigger(PipelineTriggerKind.MonitorAlert, "churn-drift")],
        now, now, nextRunAt);

    internal static PipelineRun Run(string id, string pipeline, long createdAt = T0, params string[] stages) => new(
        id, pipeline, PipelineRunTrigger.DatasetVersion, "churn-train@4", new Dictionary<string, string> { ["train.lr"] = "0.5" },
        PipelineRunStatus.Queued, createdAt, null, null, "tracking-" + id,
        [.. (stages.Length == 0 ? ["prepare", "train", "evaluate"] : stages).Select(s => new StageRun(s, StageRunStatus.Pending, [], new Dictionary<string, string>(), "", null))]);

    private async Task<PipelineRun> CreateRunAsync(string id = "run1", string pipeline = "churn")
    {
        if (await Store.GetPipelineAsync(pipeline, Ct) is null)
        {
            await Store.UpsertPipelineAsync(Pipeline(pipeline), Ct);
        }
        var run = Run(id, pipeline);
        await Store.CreateRunAsync(run, Ct);
        return run;
    }

    private async Task<StageRun> StageAsync(string runId, string stage) =>
        (await Store.GetRunAsync(runId, Ct))!.Stages.Single(s => s.Stage == stage);

    [Fact]
    public async Task UpsertPipeline_StoresEveryFieldAndSurvivesReopen()
    {
        var pipeline = Pipeline("churn");
        var stored = await Store.UpsertPipelineAsync(pipeline, Ct);
        Assert.Equal(pipeline with { Triggers = stored.Triggers }, stored);
        Assert.Equal(pipeline.Triggers, stored.Triggers);

        _store = await ReopenAsync();
        var read = await Store.GetPipelineAsync("churn", Ct);
        Assert.NotNull(read);
        Assert.Equal(pipeline.PipelineYaml, read.PipelineYaml);
        Assert.Equal(pipeline.ParamsYaml, read.ParamsYaml);
        Assert.Equal(pipeline.WorkspaceManifest, read.WorkspaceManifest);
        Assert.Equal(pipeline.Schedule, read.Schedule);
        Assert.Equal(pipeline.Triggers, read.Triggers);
        Assert.Equal(pipeline.NextRunAt, read.NextRunAt);
    }

    [Fact]
    public async Task UpsertPipeline_Again_ReplacesButKeepsCreatedAtAndRuns()
    {
        await CreateRunAsync();
        var replaced = await Store.UpsertPipelineAsync(
            Pipeline("churn", T0 + 500, schedule: null, nextRunAt: null) with { ParamsYaml = null, WorkspaceManifest = null, Triggers = [] }, Ct);

        Assert.Equal(T0, replaced.CreatedAt);
        Assert.Equal(T0 + 500, replaced.UpdatedAt);
        Assert.Null(replaced.Schedule);
        Assert.Null(replaced.NextRunAt);
        Assert.Null(replaced.ParamsYaml);
        Assert.Empty(replaced.Triggers);
        Assert.NotNull(await Store.GetRunAsync("run1", Ct));
    }

    [Fact]
    public async Task CreateRun_KeepsItsPipelineDefinition_AcrossReRegistrationAndReopen()
    {
        var original = Pipeline("churn");
        await Store.UpsertPipelineAsync(original, Ct);
        await Store.CreateRunAsync(Run("snap", "churn") with { Definition = original.Definition }, Ct);
        await Store.CreateRunAsync(Run("bare", "churn") with { Definition = new PipelineDefinition("stages: {}", null, null) }, Ct);
        await Store.CreateRunAsync(Run("legacy", "churn"), Ct);

        await Store.UpsertPipelineAsync(original with { PipelineYaml = "stages: {changed: {cmd: 'true'}}", ParamsYaml = null, WorkspaceManifest = "other" }, Ct);
        _store = await ReopenAsync();

        Assert.Equal(original.Definition, (await Store.GetRunAsync("snap", Ct))!.Definition);
        Assert.Equal(new PipelineDefinition("stages: {}", null, null), (await Store.GetRunAsync("bare", Ct))!.Definition);
        Assert.Null((await Store.GetRunAsync("legacy", Ct))!.Definition);
        Assert.Equal(original.PipelineYaml, (await Store.GetPipelineAsync("churn", Ct))!.AsOf(original.Definition).PipelineYaml);
    }

    [Fact]
    public async Task ListPipelines_OrdersByName_AndUnknownReadsAreNull()
    {
        await Store.UpsertPipelineAsync(Pipeline("zeta"), Ct);
        await Store.UpsertPipelineAsync(Pipeline("Alpha"), Ct);
        await Store.UpsertPipelineAsync(Pipeline("beta"), Ct);

        Assert.Equal(["Alpha", "beta", "zeta"], (await Store.ListPipelinesAsync(Ct)).Select(p => p.Name));
        Assert.Null(await Store.GetPipelineAsync("nope", Ct));
        Assert.Null(await Store.GetRunAsync("nope", Ct));
        Assert.Empty(await Store.ListRunsAsync("nope", 10, Ct));
    }

    [Fact]
    public async Task DeletePipeline_RemovesItsRuns_AndUnknownIsNotFound()
    {
        await CreateRunAsync("run1", "churn");
        await CreateRunAsync("other", "fraud");
        await Store.TryMoveStageAsync("run1", "prepare", Pending, StageRunStatus.Queued, "", Ct);
        await Store.StartAttemptAsync("run1", "prepare", "w1", T0, Ct);
        await Store.PutCachedOutsAsync("kept", new Dictionary<string, string> { ["out"] = "h" }, T0, Ct);

        await Store.DeletePipelineAsync("churn", Ct);

        Assert.Null(await Store.GetPipelineAsync("churn", Ct));
        Assert.Null(await Store.GetRunAsync("run1", Ct));
        Assert.NotNull(await Store.GetRunAsync("other", Ct));
        Assert.NotNull(await Store.GetCachedOutsAsync("kept", Ct));
        var e = await Assert.ThrowsAsync<KeelException>(() => Store.DeletePipelineAsync("churn", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
        // Registered again under the same name, a run with the old id starts without the old stages' attempts.
        await CreateRunAsync("run1", "churn");
        Assert.All((await Store.GetRunAsync("run1", Ct))!.Stages, s => Assert.Empty(s.Attempts));
    }

    [Fact]
    public async Task TryClaimSchedule_OnlyFromTheExpectedValue()
    {
        await Store.UpsertPipelineAsync(Pipeline("churn", nextRunAt: T0 + 1000), Ct);

        Assert.False(await Store.TryClaimScheduleAsync("churn", T0 + 999, T0 + 2000, Ct));
        Assert.True(await Store.TryClaimScheduleAsync("churn", T0 + 1000, T0 + 2000, Ct));
        Assert.False(await Store.TryClaimScheduleAsync("churn", T0 + 1000, T0 + 3000, Ct));
        Assert.Equal(T0 + 2000, (await Store.GetPipelineAsync("churn", Ct))!.NextRunAt);
        Assert.True(await Store.TryClaimScheduleAsync("churn", T0 + 2000, null, Ct));
        Assert.Null((await Store.GetPipelineAsync("churn", Ct))!.NextRunAt);
    }

    [Fact]
    public async Task TryClaimSchedule_ConcurrentClaims_ExactlyOneWins()
    {
        await Store.UpsertPipelineAsync(Pipeline("churn", nextRunAt: T0), Ct);

        var claims = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() => Store.TryClaimScheduleAsync("churn", T0, T0 + i, Ct), Ct)));

        Assert.Single(claims, c => c);
    }

    [Fact]
    public async Task CreateRun_StoresRunAndStagesInOrder_SurvivesReopen()
    {
        var run = await CreateRunAsync();
        _store = await ReopenAsync();

        var read = await Store.GetRunAsync(run.Id, Ct);
        Assert.NotNull(read);
        Assert.Equal(run.Pipeline, read.Pipeline);
        Assert.Equal(PipelineRunTrigger.DatasetVersion, read.Trigger);
        Assert.Equal("churn-train@4", read.TriggerDetail);
        Assert.Equal("0.5", read.ParamOverrides["train.lr"]);
        Assert.Equal(PipelineRunStatus.Queued, read.Status);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Null(read.StartedAt);
        Assert.Equal("tracking-run1", read.TrackingRunId);
        Assert.Equal(["prepare", "train", "evaluate"], read.Stages.Select(s => s.Stage));
        Assert.All(read.Stages, s => Assert.Equal(StageRunStatus.Pending, s.Status));
        Assert.All(read.Stages, s => Assert.Empty(s.Attempts));
    }

    [Fact]
    public async Task CreateRun_UnknownPipeline_IsNotFound_DuplicateIdAlreadyExists()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => Store.CreateRunAsync(Run("r", "nope"), Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);

        await CreateRunAsync("r");
        var dup = await Assert.ThrowsAsync<KeelException>(() => Store.CreateRunAsync(Run("r", "churn"), Ct));
        Assert.Equal(ErrorCode.ResourceAlreadyExists, dup.Code);
    }

    [Fact]
    public async Task ListRuns_NewestFirst_LimitedAndFilteredByPipeline()
    {
        await Store.UpsertPipelineAsync(Pipeline("churn"), Ct);
        await Store.UpsertPipelineAsync(Pipeline("fraud"), Ct);
        await Store.CreateRunAsync(Run("a", "churn", T0), Ct);
        await Store.CreateRunAsync(Run("b", "fraud", T0 + 1), Ct);
        await Store.CreateRunAsync(Run("c", "churn", T0 + 2), Ct);
        await Store.CreateRunAsync(Run("d", "churn", T0 + 2), Ct);

        Assert.Equal(["d", "c", "a"], (await Store.ListRunsAsync("churn", 10, Ct)).Select(r => r.Id));
        Assert.Equal(["d", "c"], (await Store.ListRunsAsync("churn", 2, Ct)).Select(r => r.Id));
        Assert.Equal(["d", "c", "b", "a"], (await Store.ListRunsAsync(null, 10, Ct)).Select(r => r.Id));
        Assert.All(await Store.ListRunsAsync(null, 10, Ct), r => Assert.Equal(3, r.Stages.Count));
    }

    [Fact]
    public async Task SetRunStatus_SetsTimesOnce_AndAnEndedRunStaysEnded()
    {
        var run = await CreateRunAsync();
        await Store.SetRunStatusAsync(run.Id, PipelineRunStatus.Running, T0 + 10, null, null, Ct);
        await Store.SetRunStatusAsync(run.Id, PipelineRunStatus.Running, T0 + 20, null, "ignored", Ct);
        await Store.SetRunStatusAsync(run.Id, PipelineRunStatus.Failed, T0 + 30, T0 + 40, null, Ct);
        await Store.SetRunStatusAsync(run.Id, PipelineRunStatus.Running, null, null, null, Ct);

        var read = (await Store.GetRunAsync(run.Id, Ct))!;
        Assert.Equal(PipelineRunStatus.Failed, read.Status);
        Assert.Equal(T0 + 10, read.StartedAt);
        Assert.Equal(T0 + 40, read.EndedAt);
        Assert.Equal("tracking-run1", read.TrackingRunId);

        var e = await Assert.ThrowsAsync<KeelException>(() => Store.SetRunStatusAsync("nope", PipelineRunStatus.Running, null, null, null, Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task TryMoveStage_OnlyFromAnExpectedStatus()
    {
        var run = await CreateRunAsync();

        Assert.False(await Store.TryMoveStageAsync(run.Id, "train", [StageRunStatus.Queued], StageRunStatus.Running, "", Ct));
        Assert.True(await Store.TryMoveStageAsync(run.Id, "train", Pending, StageRunStatus.Cancelled, "Not run: upstream stage 'prepare' failed.", Ct));
        Assert.False(await Store.TryMoveStageAsync(run.Id, "train", Pending, StageRunStatus.Queued, "", Ct));

        var stage = await StageAsync(run.Id, "train");
        Assert.Equal(StageRunStatus.Cancelled, stage.Status);
        Assert.Equal("Not run: upstream stage 'prepare' failed.", stage.Message);
        Assert.Equal(StageRunStatus.Pending, (await StageAsync(run.Id, "prepare")).Status);
    }

    [Fact]
    public async Task TryMoveStage_UnknownRunOrStage_IsNotFound()
    {
        var run = await CreateRunAsync();

        var unknownRun = await Assert.ThrowsAsync<KeelException>(() => Store.TryMoveStageAsync("nope", "train", Pending, StageRunStatus.Queued, "", Ct));
        var unknownStage = await Assert.ThrowsAsync<KeelException>(() => Store.TryMoveStageAsync(run.Id, "nope", Pending, StageRunStatus.Queued, "", Ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, unknownRun.Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, unknownStage.Code);
        Assert.Contains("nope", unknownStage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryMoveStage_ConcurrentMoves_ExactlyOneWins()
    {
        var run = await CreateRunAsync();

        var moves = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => Store.TryMoveStageAsync(run.Id, "prepare", Pending, StageRunStatus.Queued, "", Ct), Ct)));

        Assert.Single(moves, m => m);
        Assert.Equal(StageRunStatus.Queued, (await StageAsync(run.Id, "prepare")).Status);
    }

    [Fact]
    public async Task StartAttempt_NumbersAttempts_AndRunsTheStage()
    {
        var run = await CreateRunAsync();
        await Store.TryMoveStageAsync(run.Id, "prepare", Pending, StageRunStatus.Queued, "", Ct);

        var first = await Store.StartAttemptAsync(run.Id, "prepare", "host-a:1", T0 + 1, Ct);
        // The first worker died: the recovered job starts a second attempt on a Running stage.
        var second = await Store.StartAttemptAsync(run.Id, "prepare", "host-b:2", T0 + 2, Ct);
        await Store.EndAttemptAsync(run.Id, "prepare", second, T0 + 9, 0, "pipeline-runs/run1/prepare/attempt-2.log", Ct);

        Assert.Equal(1, first);
        Assert.Equal(2, second);
        var stage = await StageAsync(run.Id, "prepare");
        Assert.Equal(StageRunStatus.Running, stage.Status);
        Assert.Equal([new StageAttempt(1, "host-a:1", T0 + 1, null, null, null), new StageAttempt(2, "host-b:2", T0 + 2, T0 + 9, 0, "pipeline-runs/run1/prepare/attempt-2.log")],
            stage.Attempts);
    }

    [Fact]
    public async Task StartAttempt_OnAPendingOrFinishedStage_IsInvalidState()
    {
        var run = await CreateRunAsync();
        var pending = await Assert.ThrowsAsync<KeelException>(() => Store.StartAttemptAsync(run.Id, "prepare", "w", T0, Ct));
        Assert.Equal(ErrorCode.InvalidState, pending.Code);
        Assert.Contains("Pending", pending.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<KeelException>(() => Store.StartAttemptAsync(run.Id, "nope", "w", T0, Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, unknown.Code);
        var missingAttempt = await Assert.ThrowsAsync<KeelException>(() => Store.EndAttemptAsync(run.Id, "prepare", 7, T0, 0, null, Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, missingAttempt.Code);
    }

    [Fact]
    public async Task StartAttempt_Concurrent_GivesDistinctNumbers()
    {
        var run = await CreateRunAsync();
        await Store.TryMoveStageAsync(run.Id, "prepare", Pending, StageRunStatus.Queued, "", Ct);

        var numbers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Task.Run(() => Store.StartAttemptAsync(run.Id, "prepare", $"w{i}", T0 + i, Ct), Ct)));

        Assert.Equal([1, 2, 3, 4, 5, 6], numbers.Order());
        Assert.Equal(6, (await StageAsync(run.Id, "prepare")).Attempts.Count);
    }

    [Fact]
    public async Task TryFinishStage_LatestAttemptWins_StaleAttemptIsRefused()
    {
        var run = await CreateRunAsync();
        await Store.TryMoveStageAsync(run.Id, "prepare", Pending, StageRunStatus.Queued, "", Ct);
        var stale = await Store.StartAttemptAsync(run.Id, "prepare", "dead", T0, Ct);
        var latest = await Store.StartAttemptAsync(run.Id, "prepare", "alive", T0 + 1, Ct);
        var outs = new Dictionary<string, string> { ["data/prepared"] = "sha256:abc" };

        Assert.False(await Store.TryFinishStageAsync(run.Id, "prepare", stale, StageRunStatus.Failed, new Dictionary<string, string>(), "killed", null, Ct));
        Assert.True(await Store.TryFinishStageAsync(run.Id, "prepare", latest, StageRunStatus.Succeeded, outs, "", "child-run", Ct));
        Assert.False(await Store.TryFinishStageAsync(run.Id, "prepare", latest, StageRunStatus.Failed, new Dictionary<string, string>(), "twice", null, Ct));

        var stage = await StageAsync(run.Id, "prepare");
        Assert.Equal(StageRunStatus.Succeeded, stage.Status);
        Assert.Equal(outs, stage.Outs);
        Assert.Equal("child-run", stage.TrackingRunId);
        Assert.Equal("", stage.Message);
    }

    [Fact]
    public async Task TryFinishStage_ConcurrentWithANewAttempt_OnlyOneOutcome()
    {
        var run = await CreateRunAsync();
        await Store.TryMoveStageAsync(run.Id, "prepare", Pending, StageRunStatus.Queued, "", Ct);
        var first = await Store.StartAttemptAsync(run.Id, "prepare", "a", T0, Ct);

        var finish = Task.Run(() => Store.TryFinishStageAsync(run.Id, "prepare", first, StageRunStatus.Succeeded, new Dictionary<string, string>(), "", null, Ct), Ct);
        var restart = Task.Run(async () =>
        {
            try
            {
                return await Store.StartAttemptAsync(run.Id, "prepare", "b", T0 + 1, Ct);
            }
            catch (KeelException e) when (e.Code == ErrorCode.InvalidState)
            {
                return 0;
            }
        }, Ct);
        var finished = await finish;
        var second = await restart;

        // Either the first attempt finished before the restart (which is then refused), or the restart made it stale.
        Assert.True(finished ^ (second == 2), $"finished={finished}, second attempt={second}");
        Assert.Equal(finished ? StageRunStatus.Succeeded : StageRunStatus.Running, (await StageAsync(run.Id, "prepare")).Status);
    }

    [Fact]
    public async Task TryFinishStage_WithANonFinalStatus_IsRefused()
    {
        var run = await CreateRunAsync();
        var e = await Assert.ThrowsAsync<KeelException>(() =>
            Store.TryFinishStageAsync(run.Id, "prepare", 1, StageRunStatus.Queued, new Dictionary<string, string>(), "", null, Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task TryFinishStage_ACancelledStage_CannotBeFinished()
    {
        var run = await CreateRunAsync();
        await Store.TryMoveStageAsync(run.Id, "prepare", Pending, StageRunStatus.Queued, "", Ct);
        var attempt = await Store.StartAttemptAsync(run.Id, "prepare", "a", T0, Ct);
        Assert.True(await Store.TryMoveStageAsync(run.Id, "prepare", [StageRunStatus.Running], StageRunStatus.Cancelled, "run cancelled", Ct));

        Assert.False(await Store.TryFinishStageAsync(run.Id, "prepare", attempt, StageRunStatus.Succeeded, new Dictionary<string, string>(), "", null, Ct));
        Assert.Equal(StageRunStatus.Cancelled, (await StageAsync(run.Id, "prepare")).Status);
    }

    [Fact]
    public async Task RunCache_FirstWriterWins_AndSurvivesReopen()
    {
        Assert.Null(await Store.GetCachedOutsAsync("key1", Ct));
        await Store.PutCachedOutsAsync("key1", new Dictionary<string, string> { ["model.onnx"] = "h1", ["metrics.json"] = "h2" }, T0, Ct);
        await Store.PutCachedOutsAsync("key1", new Dictionary<string, string> { ["model.onnx"] = "other" }, T0 + 1, Ct);

        _store = await ReopenAsync();
        var outs = await Store.GetCachedOutsAsync("key1", Ct);
        Assert.Equal(new Dictionary<string, string> { ["model.onnx"] = "h1", ["metrics.json"] = "h2" }, outs);
    }
}
