using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Runner;

public sealed class MonitorRunnerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = MonitorWorld.T0;

    private MonitorWorld _world = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _world = await MonitorWorld.StartAsync();
        var training = await _world.AddDatasetAsync("churn-train", ChurnData.TrainingCsv(seed: 1, count: 300));
        await _world.AddModelAsync("churn-model", training, ("test_accuracy", 0.95), ("accuracy", 0.99), ("training_f1_score", 0.9));
        await _world.AddDeploymentAsync("churn", "churn-model");
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    private static MonitorSpec Spec(string name = "churn-drift", string deployment = "churn", MonitorReference? reference = null, IReadOnlyList<AlertRule>? alerts = null) =>
        new(name, deployment, reference ?? MonitorReference.TrainingData, TimeSpan.FromHours(1), null, [], new Dictionary<string, DriftOptions>(), 0.5, null,
            "prediction", null, alerts ?? [new AlertRule("drift", AlertKind.Drift)], []);

    private async Task<MonitorRunResult> CreateAndRunAsync(MonitorSpec spec, DateTimeOffset at)
    {
        await _world.Monitors.CreateAsync(spec, Ct);
        return await _world.Runner.RunAsync(spec, at, Ct);
    }

    [Fact]
    public async Task Run_TrafficLikeTheTrainingData_FindsNoDatasetDrift()
    {
        await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(50), ChurnData.Rows(seed: 2, count: 200, shifted: false));

        var result = await CreateAndRunAsync(Spec(), T0.AddHours(1));

        Assert.Null(result.Problem);
        Assert.Equal("dataset churn-train v1 (training data of churn-model v1)", result.Reference);
        Assert.Equal((300, 200), (result.ReferenceRows, result.CurrentRows));
        Assert.Equal(["age", "income", "plan"], result.Drift!.Features.Select(f => f.Feature));
        Assert.False(result.Drift.DatasetDrift);
        Assert.All(result.Drift.Features, f => Assert.Null(f.Problem));
        Assert.Empty(result.Alerts);
    }

    [Fact]
    public async Task Run_ShiftedTraffic_DriftsStoresTheAlertAndTellsTheObservers()
    {
        await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(50), ChurnData.Rows(seed: 3, count: 200, shifted: true));

        var result = await CreateAndRunAsync(Spec(), T0.AddHours(1));

        Assert.True(result.Drift!.DatasetDrift);
        Assert.All(result.Drift.Features, f => Assert.True(f.Drifted, f.Feature));
        var alert = Assert.Single(result.Alerts);
        Assert.Equal(("drift", AlertKind.Drift), (alert.Rule, alert.Kind));
        Assert.Equal(alert.Id, Assert.Single(await _world.Stores.Monitors.ListAlertEventsAsync("churn-drift", null, DateTimeOffset.UnixEpoch, 10, Ct)).Id);
        Assert.Equal(result.RunAt, (await _world.Monitors.GetLatestResultAsync("churn-drift", Ct))!.RunAt);
        Assert.Same(result, Assert.Single(_world.Observed));
    }

    [Fact]
    public async Task Run_OnlyTheWindowIsRead()
    {
        await _world.LogTrafficAsync("churn", T0.AddHours(-3), TimeSpan.FromMinutes(30), ChurnData.Rows(seed: 4, count: 50, shifted: true));
        await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(30), ChurnData.Rows(seed: 5, count: 80, shifted: false));

        var result = await CreateAndRunAsync(Spec(), T0.AddHours(1));

        Assert.Equal(80, result.CurrentRows);
        Assert.Equal((T0, T0.AddHours(1)), (result.WindowStart, result.WindowEnd));
    }

    [Fact]
    public async Task Run_Labels_ComputeQualityNextToTheRecordedBaseline()
    {
        var records = await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(40), ChurnData.Rows(seed: 6, count: 40, shifted: false),
            outputs: i => new Dictionary<string, object?> { ["prediction"] = (long)(i % 2), ["probability"] = i % 2 == 0 ? 0.2 : 0.8 });
        // Three of every four predictions are right.
        await _world.AddLabelsAsync("churn", records.Select((r, i) => (r, (object)(i % 4 == 3 ? (long)(1 - (i % 2)) : (long)(i % 2)))));

        var result = await CreateAndRunAsync(Spec() with { ScoreOutput = "probability" }, T0.AddHours(1));

        var quality = result.Quality!;
        Assert.Equal(TaskKind.Classification, quality.Task);
        Assert.Equal(40, quality.LabelledRows);
        Assert.Equal(0.75, quality.Current[QualityMetricNames.Accuracy], 12);
        Assert.True(quality.Current.ContainsKey(QualityMetricNames.RocAuc));
        // The unprefixed key wins over test_ and training_ (see BaselineMetrics).
        Assert.Equal(0.99, quality.Baseline[QualityMetricNames.Accuracy]);
        Assert.Equal(0.9, quality.Baseline[QualityMetricNames.F1]);
    }

    [Fact]
    public async Task Run_ServingStats_CountRequestsErrorsAndLatency()
    {
        await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(10), ChurnData.Rows(seed: 7, count: 100, shifted: false),
            status: i => i % 10 == 0 ? 500 : 200, latency: i => i + 1);

        var result = await CreateAndRunAsync(Spec(alerts: [new AlertRule("errors", AlertKind.ErrorRate, 0.05)]), T0.AddHours(1));

        Assert.Equal((100, 10), (result.Serving.Requests, result.Serving.Errors));
        Assert.Equal(0.1, result.Serving.ErrorRate, 12);
        Assert.Equal(50.5, result.Serving.P50LatencyMs!.Value, 9);
        Assert.Equal(99.01, result.Serving.P99LatencyMs!.Value, 9);
        Assert.Equal(AlertKind.ErrorRate, Assert.Single(result.Alerts).Kind);
    }

    [Fact]
    public async Task Run_EmptyWindow_StoresAResultSayingSo()
    {
        var result = await CreateAndRunAsync(Spec(), T0.AddHours(1));

        Assert.Contains("No predictions were logged for 'churn'", result.Problem, StringComparison.Ordinal);
        Assert.Null(result.Drift);
        Assert.Null(result.Quality);
        Assert.NotNull(await _world.Monitors.GetLatestResultAsync("churn-drift", Ct));
    }

    [Fact]
    public async Task Run_ModelWithoutLoggedDataset_StoresTheProblemAndStillMeasuresServing()
    {
        await _world.AddModelAsync("bare-model", training: null);
        await _world.AddDeploymentAsync("bare", "bare-model");
        await _world.LogTrafficAsync("bare", T0, TimeSpan.FromMinutes(10), ChurnData.Rows(seed: 8, count: 20, shifted: false));

        var result = await CreateAndRunAsync(Spec("bare-drift", "bare"), T0.AddHours(1));

        Assert.Contains("logged no registered dataset version", result.Problem, StringComparison.Ordinal);
        Assert.Null(result.Drift);
        Assert.Equal(20, result.Serving.Requests);
    }

    [Fact]
    public async Task Run_UnknownDeploymentAndModel_StoresTheProblem()
    {
        await _world.LogTrafficAsync("nowhere", T0, TimeSpan.FromMinutes(10), ChurnData.Rows(seed: 9, count: 10, shifted: false));

        var result = await CreateAndRunAsync(Spec("nowhere-drift", "nowhere"), T0.AddHours(1));

        Assert.Contains("No deployment or registered model is named 'nowhere'", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutADeployment_UsesTheRegisteredModelOfThatName()
    {
        await _world.LogTrafficAsync("churn-model", T0, TimeSpan.FromMinutes(10), ChurnData.Rows(seed: 10, count: 60, shifted: false));

        var result = await CreateAndRunAsync(Spec("direct", "churn-model"), T0.AddHours(1));

        Assert.Null(result.Problem);
        Assert.Equal(300, result.ReferenceRows);
    }

    [Fact]
    public async Task Run_DatasetReference_ComparesWithThatVersion()
    {
        var shiftedData = await _world.AddDatasetAsync("churn-train", "age,income,plan\n" + string.Join('\n',
            ChurnData.Rows(seed: 11, count: 150, shifted: true).Select(r => $"{r["age"]},{r["income"]},{r["plan"]}")));
        await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(10), ChurnData.Rows(seed: 12, count: 100, shifted: true));

        var result = await CreateAndRunAsync(Spec(reference: new MonitorReference(MonitorReferenceKind.Dataset, "churn-train", shiftedData.Version)), T0.AddHours(1));

        Assert.Equal("dataset churn-train v2", result.Reference);
        Assert.Equal(150, result.ReferenceRows);
        Assert.False(result.Drift!.DatasetDrift);
    }

    [Fact]
    public async Task Run_TrafficReference_ComparesWithAnEarlierWindow()
    {
        await _world.LogTrafficAsync("churn", T0.AddDays(-1), TimeSpan.FromMinutes(30), ChurnData.Rows(seed: 13, count: 120, shifted: false));
        await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(30), ChurnData.Rows(seed: 14, count: 120, shifted: true));

        var result = await CreateAndRunAsync(
            Spec(reference: new MonitorReference(MonitorReferenceKind.Traffic, Offset: TimeSpan.FromDays(1))), T0.AddHours(1));

        Assert.StartsWith("traffic [2025-02-28 12:00:00Z", result.Reference, StringComparison.Ordinal);
        Assert.Equal(120, result.ReferenceRows);
        Assert.True(result.Drift!.DatasetDrift);
    }

    [Fact]
    public async Task Run_NamedFeatureMissingFromTheLog_GetsAProblemAndDoesNotCount()
    {
        await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(10), ChurnData.Rows(seed: 15, count: 100, shifted: false));

        var result = await CreateAndRunAsync(Spec() with { Features = ["age", "label"] }, T0.AddHours(1));

        var label = result.Drift!.Features.Single(f => f.Feature == "label");
        Assert.Contains("no logged prediction in the window has an input named 'label'", label.Problem, StringComparison.OrdinalIgnoreCase);
        Assert.Null(result.Drift.Features.Single(f => f.Feature == "age").Problem);
    }

    [Fact]
    public async Task Run_ForcedCategoricalKind_AppliesToBothSides()
    {
        await _world.LogTrafficAsync("churn", T0, TimeSpan.FromMinutes(10), ChurnData.Rows(seed: 16, count: 100, shifted: false));

        var result = await CreateAndRunAsync(Spec() with
        {
            Features = ["age"],
            FeatureOptions = new Dictionary<string, DriftOptions> { ["age"] = new(Kind: FeatureKind.Categorical) },
        }, T0.AddHours(1));

        Assert.Equal(FeatureKind.Categorical, Assert.Single(result.Drift!.Features).Kind);
    }
}
