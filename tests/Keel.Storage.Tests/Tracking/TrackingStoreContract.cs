using Keel.Core.Common;
using Keel.Core.Tracking;
using Keel.Core.Tracking.Search;

namespace Keel.Storage.Tests.Tracking;

/// <summary>
/// What every <see cref="ITrackingStore"/> backend must do. Each backend subclass says only how to open a
/// fresh store and how to reopen the same one; the assertions are shared.
/// </summary>
public abstract class TrackingStoreContract : IAsyncLifetime
{
    private ITrackingStore? _store;

    protected ITrackingStore Store => _store ?? throw new InvalidOperationException("store not opened");

    /// <summary>Opens an empty store owned by this test class instance.</summary>
    protected abstract Task<ITrackingStore> OpenFreshAsync();

    /// <summary>Closes the store and opens the same data again (a restart).</summary>
    protected abstract Task<ITrackingStore> ReopenAsync();

    public async ValueTask InitializeAsync() => _store = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    private static NewExperiment Experiment(string name, params Tag[] tags) => new(name, null, tags, 1_000);

    private async Task<Run> NewRunAsync(string experimentId, string name, long startTime = 1_000)
    {
        var runId = Guid.NewGuid().ToString("N");
        return await Store.CreateRunAsync(new NewRun(runId, experimentId, "tester", name, startTime, $"mlflow-artifacts:/{experimentId}/{runId}/artifacts", [new Tag("mlflow.runName", name)]));
    }

    [Fact]
    public async Task CreateExperiment_AssignsIdAndDefaultArtifactLocation()
    {
        var id = await Store.CreateExperimentAsync(Experiment("e1", new Tag("team", "ml")), "mlflow-artifacts:/");

        var experiment = await Store.GetExperimentAsync(id);

        Assert.NotNull(experiment);
        Assert.Equal("e1", experiment.Name);
        Assert.Equal($"mlflow-artifacts:/{id}", experiment.ArtifactLocation);
        Assert.Equal("ml", Assert.Single(experiment.Tags).Value);
        Assert.Equal(id, (await Store.GetExperimentByNameAsync("e1"))?.ExperimentId);
    }

    [Fact]
    public async Task CreateExperiment_DuplicateName_ThrowsAlreadyExists()
    {
        await Store.CreateExperimentAsync(Experiment("dup"), "mlflow-artifacts:/");

        var error = await Assert.ThrowsAsync<KeelException>(() => Store.CreateExperimentAsync(Experiment("dup"), "mlflow-artifacts:/"));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, error.Code);
    }

    [Fact]
    public async Task DefaultExperiment_ExistsAndSurvivesReopen()
    {
        Assert.Equal("Default", (await Store.GetExperimentAsync("0"))?.Name);
        var id = await Store.CreateExperimentAsync(Experiment("kept"), "mlflow-artifacts:/");

        _store = await ReopenAsync();

        Assert.Equal("Default", (await Store.GetExperimentAsync("0"))?.Name);
        Assert.Equal("kept", (await Store.GetExperimentAsync(id))?.Name);
    }

    [Fact]
    public async Task GetExperiment_UnknownOrNonNumericId_ReturnsNull()
    {
        Assert.Null(await Store.GetExperimentAsync("123456"));
        Assert.Null(await Store.GetExperimentAsync("abc"));
    }

    [Fact]
    public async Task SearchExperiments_FiltersOrdersAndPages()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.CreateExperimentAsync(Experiment($"s{i}", new Tag("parity", i % 2 == 0 ? "even" : "odd")), "mlflow-artifacts:/");
        }
        var filter = SearchFilterParser.ParseExperimentFilter("tags.parity = 'even'");
        var order = SearchFilterParser.ParseExperimentOrderBy(["name DESC"]);

        var first = await Store.SearchExperimentsAsync(new ExperimentQuery(filter, order, ViewType.ActiveOnly, 2, 0));
        var second = await Store.SearchExperimentsAsync(new ExperimentQuery(filter, order, ViewType.ActiveOnly, 2, PageToken.DecodeOffset(first.NextPageToken)));

        Assert.Equal(["s4", "s2"], first.Items.Select(e => e.Name));
        Assert.Equal(["s0"], second.Items.Select(e => e.Name));
        Assert.Null(second.NextPageToken);
    }

    [Fact]
    public async Task SetExperimentLifecycle_Deleted_CascadesToRunsAndRestoreBringsThemBack()
    {
        var id = await Store.CreateExperimentAsync(Experiment("cascade"), "mlflow-artifacts:/");
        var run = await NewRunAsync(id, "r");

        await Store.SetExperimentLifecycleAsync(id, LifecycleStage.Deleted, 2_000);
        var deleted = await Store.GetRunInfoAsync(run.Info.RunId);
        await Store.SetExperimentLifecycleAsync(id, LifecycleStage.Active, 3_000);
        var restored = await Store.GetRunInfoAsync(run.Info.RunId);

        Assert.Equal(LifecycleStage.Deleted, deleted?.LifecycleStage);
        Assert.Equal(LifecycleStage.Active, restored?.LifecycleStage);
        Assert.Equal(3_000, (await Store.GetExperimentAsync(id))?.LastUpdateTime);
    }

    [Fact]
    public async Task CreateRun_ReturnsRunningRunWithTags()
    {
        var run = await NewRunAsync("0", "created", 42);

        Assert.Equal(RunStatus.Running, run.Info.Status);
        Assert.Equal(42, run.Info.StartTime);
        Assert.Null(run.Info.EndTime);
        Assert.Equal("created", run.Info.RunName);
        Assert.Contains(run.Tags, t => t.Key == "mlflow.runName");
    }

    [Fact]
    public async Task UpdateRun_ChangesOnlyGivenFields()
    {
        var run = await NewRunAsync("0", "before");

        var info = await Store.UpdateRunAsync(run.Info.RunId, RunStatus.Failed, 77, null);
        var renamed = await Store.UpdateRunAsync(run.Info.RunId, null, null, "after");

        Assert.Equal(RunStatus.Failed, info.Status);
        Assert.Equal(77, info.EndTime);
        Assert.Equal("before", info.RunName);
        Assert.Equal(RunStatus.Failed, renamed.Status);
        Assert.Equal("after", renamed.RunName);
    }

    [Fact]
    public async Task LogBatch_ParamConflict_WritesNothingFromTheBatch()
    {
        var run = await NewRunAsync("0", "atomic");
        await Store.LogBatchAsync(run.Info.RunId, [], [new Param("lr", "0.1")], []);

        var error = await Assert.ThrowsAsync<KeelException>(() => Store.LogBatchAsync(
            run.Info.RunId, [new Metric("loss", 1, 1, 0)], [new Param("lr", "0.2")], [new Tag("t", "v")]));

        var stored = await Store.GetRunAsync(run.Info.RunId);
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Empty(stored!.LatestMetrics);
        Assert.DoesNotContain(stored.Tags, t => t.Key == "t");
        Assert.Equal("0.1", Assert.Single(stored.Params).Value);
    }

    [Fact]
    public async Task LogBatch_KeepsLatestByStepThenTimestamp()
    {
        var run = await NewRunAsync("0", "latest");

        await Store.LogBatchAsync(run.Info.RunId, [new Metric("m", 5, 100, 2), new Metric("m", 9, 50, 1)], [], []);
        await Store.LogBatchAsync(run.Info.RunId, [new Metric("m", 7, 200, 2)], [], []);
        await Store.LogBatchAsync(run.Info.RunId, [new Metric("m", 1, 300, 0)], [], []);

        var latest = Assert.Single((await Store.GetRunAsync(run.Info.RunId))!.LatestMetrics);
        Assert.Equal(new Metric("m", 7, 200, 2), latest);
    }

    [Fact]
    public async Task LogBatch_RetriedLargeBatch_StoresEachPointOnce()
    {
        var run = await NewRunAsync("0", "retried");
        var points = Enumerable.Range(0, 500).Select(i => new Metric("loss", 1.0 / (i + 1), 1_000 + i, i)).ToArray();

        await Store.LogBatchAsync(run.Info.RunId, points, [], []);
        // A client retry after a lost answer, then a batch repeating one point inside itself and adding new ones.
        await Store.LogBatchAsync(run.Info.RunId, points, [], []);
        await Store.LogBatchAsync(run.Info.RunId, [.. Enumerable.Range(500, 100).Select(i => new Metric("loss", 0.5, 1_000 + i, i)), points[0], points[0]], [], []);

        var history = await Store.GetMetricHistoryAsync(run.Info.RunId, "loss", int.MaxValue, 0);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (long)i), history.Items.Select(m => m.Step));
        Assert.Equal(new Metric("loss", 0.5, 1_599, 599), Assert.Single((await Store.GetRunAsync(run.Info.RunId))!.LatestMetrics));
    }

    [Fact]
    public async Task LogBatch_NaNAndInfinity_RoundTrip()
    {
        var run = await NewRunAsync("0", "special");

        await Store.LogBatchAsync(run.Info.RunId, [new Metric("nan", double.NaN, 1, 0), new Metric("inf", double.PositiveInfinity, 1, 0), new Metric("ninf", double.NegativeInfinity, 1, 0)], [], []);

        var metrics = (await Store.GetRunAsync(run.Info.RunId))!.LatestMetrics.ToDictionary(m => m.Key, m => m.Value);
        var history = await Store.GetMetricHistoryAsync(run.Info.RunId, "nan", int.MaxValue, 0);
        Assert.True(double.IsNaN(metrics["nan"]));
        Assert.Equal(double.PositiveInfinity, metrics["inf"]);
        Assert.Equal(double.NegativeInfinity, metrics["ninf"]);
        Assert.True(double.IsNaN(Assert.Single(history.Items).Value));
    }

    [Fact]
    public async Task GetMetricHistory_PagesInStepOrder()
    {
        var run = await NewRunAsync("0", "history");
        var points = Enumerable.Range(0, 25).Reverse().Select(i => new Metric("h", i, 1_000 + i, i)).ToArray();
        await Store.LogBatchAsync(run.Info.RunId, points, [], []);

        var first = await Store.GetMetricHistoryAsync(run.Info.RunId, "h", 10, 0);
        var last = await Store.GetMetricHistoryAsync(run.Info.RunId, "h", 10, 20);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), first.Items.Select(m => m.Step));
        Assert.NotNull(first.NextPageToken);
        Assert.Equal(5, last.Items.Count);
        Assert.Null(last.NextPageToken);
    }

    [Fact]
    public async Task DeleteTag_MissingKey_ThrowsNotFound()
    {
        var run = await NewRunAsync("0", "tags");
        await Store.LogBatchAsync(run.Info.RunId, [], [], [new Tag("k", "v")]);

        await Store.DeleteTagAsync(run.Info.RunId, "k");
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteTagAsync(run.Info.RunId, "k"));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task LogInputs_SameDatasetTwice_IsStoredOnce()
    {
        var run = await NewRunAsync("0", "inputs");
        var input = new DatasetInput(new Dataset("d", "digest1", "local", "d.csv", null, null), [new Tag("mlflow.data.context", "train")]);

        await Store.LogInputsAsync(run.Info.RunId, [input]);
        await Store.LogInputsAsync(run.Info.RunId, [input]);

        var stored = Assert.Single((await Store.GetRunAsync(run.Info.RunId))!.Inputs);
        Assert.Equal("digest1", stored.Dataset.Digest);
        Assert.Equal("train", Assert.Single(stored.Tags).Value);
    }

    [Fact]
    public async Task SearchRuns_FilterAndMetricOrder_MatchExpectedRuns()
    {
        var id = await Store.CreateExperimentAsync(Experiment("search"), "mlflow-artifacts:/");
        foreach (var (name, acc) in new[] { ("a", 0.5), ("b", 0.9), ("c", 0.7) })
        {
            var run = await NewRunAsync(id, name);
            await Store.LogBatchAsync(run.Info.RunId, [new Metric("acc", acc, 1, 0)], [new Param("kind", name == "a" ? "x" : "y")], []);
        }
        var query = new RunQuery([id], SearchFilterParser.ParseRunFilter("params.kind = 'y' OR metrics.acc < 0.6"),
            SearchFilterParser.ParseRunOrderBy(["metrics.acc DESC"]), ViewType.ActiveOnly, 10, 0);

        var page = await Store.SearchRunsAsync(query);

        Assert.Equal(["b", "c", "a"], page.Items.Select(r => r.Info.RunName));
    }

    [Fact]
    public async Task SearchRuns_ViewType_SeparatesDeletedRuns()
    {
        var id = await Store.CreateExperimentAsync(Experiment("views"), "mlflow-artifacts:/");
        var kept = await NewRunAsync(id, "kept");
        var gone = await NewRunAsync(id, "gone");
        await Store.SetRunLifecycleAsync(gone.Info.RunId, LifecycleStage.Deleted, 5);

        async Task<string[]> Names(ViewType view) =>
            (await Store.SearchRunsAsync(new RunQuery([id], null, [], view, 10, 0))).Items.Select(r => r.Info.RunName).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["kept"], await Names(ViewType.ActiveOnly));
        Assert.Equal(["gone"], await Names(ViewType.DeletedOnly));
        Assert.Equal(["gone", "kept"], await Names(ViewType.All));
        Assert.Equal(kept.Info.RunId, (await Store.GetRunInfoAsync(kept.Info.RunId))?.RunId);
    }
}
