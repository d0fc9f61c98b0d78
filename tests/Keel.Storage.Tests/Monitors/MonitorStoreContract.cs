using Keel.Core.Common;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Storage.Tests.Monitors;

/// <summary>
/// What every <see cref="IMonitorStore"/> backend must do. Each backend subclass says only how to open a fresh store
/// and how to reopen the same one; the assertions are shared.
/// </summary>
public abstract class MonitorStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private IMonitorStore? _store;

    protected IMonitorStore Store => _store ?? throw new InvalidOperationException("store not opened");

    protected abstract Task<IMonitorStore> OpenFreshAsync();

    protected abstract Task<IMonitorStore> ReopenAsync();

    public async ValueTask InitializeAsync() => _store = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static MonitorSpec Spec(string name, string deployment = "churn", string? schedule = "*/5 * * * *") => new(
        name,
        deployment,
        new MonitorReference(MonitorReferenceKind.Dataset, "churn-train", 3),
        TimeSpan.FromHours(1),
        schedule,
        ["age", "plan"],
        new Dictionary<string, DriftOptions> { ["age"] = new(DriftMethod.Psi, 0.2, FeatureKind.Numeric) },
        0.5,
        TaskKind.Classification,
        "prediction",
        "probability",
        [new AlertRule("drift", AlertKind.Drift), new AlertRule("accuracy", AlertKind.Quality, 0.8, QualityMetricNames.Accuracy)],
        [new Uri("https://hooks.example.com/keel")]);

    internal static MonitorRunResult Result(string monitor, DateTimeOffset runAt, string deployment = "churn", int alerts = 0)
    {
        var feature = new FeatureDriftResult("age", FeatureKind.Numeric, DriftMethod.KolmogorovSmirnov, 0.42, 0.001, 0.05, true, 100, 80, null,
            [new HistogramBin(0, 10, null, 0.25, 0.5), new HistogramBin(null, null, "gold", 0.75, double.NaN)]);
        var events = Enumerable.Range(0, alerts).Select(i => new AlertEvent(
            Guid.NewGuid().ToString("N"), monitor, deployment, $"rule{i}", AlertKind.Drift, "dataset drift", 0.7, 0.5, runAt)).ToArray();
        return new MonitorRunResult(monitor, deployment, runAt, runAt.AddHours(-1), runAt, "dataset churn-train v3", 100, 80,
            new DatasetDriftResult([feature], 1, 0.5, true),
            new QualityResult(TaskKind.Classification, 40, new Dictionary<string, double> { ["accuracy"] = 0.9 }, new Dictionary<string, double> { ["accuracy"] = 0.95 }),
            new ServingStats(80, 2, 0.025, 12.5, 99.5),
            events,
            null);
    }

    private static void AssertSameSpec(MonitorSpec expected, MonitorSpec actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Deployment, actual.Deployment);
        Assert.Equal(expected.Reference, actual.Reference);
        Assert.Equal(expected.Window, actual.Window);
        Assert.Equal(expected.Schedule, actual.Schedule);
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.FeatureOptions, actual.FeatureOptions);
        Assert.Equal(expected.DriftShareThreshold, actual.DriftShareThreshold);
        Assert.Equal(expected.Task, actual.Task);
        Assert.Equal(expected.PredictionOutput, actual.PredictionOutput);
        Assert.Equal(expected.ScoreOutput, actual.ScoreOutput);
        Assert.Equal(expected.Alerts, actual.Alerts);
        Assert.Equal(expected.Webhooks, actual.Webhooks);
    }

    [Fact]
    public async Task CreateMonitor_StoresTheSpecAndBookkeeping()
    {
        var spec = Spec("create");

        var created = await Store.CreateMonitorAsync(spec, 1_000, 5_000, Ct);
        var read = await Store.GetMonitorAsync("create", Ct);

        Assert.Equal(1_000, created.CreatedAt);
        Assert.NotNull(read);
        AssertSameSpec(spec, read.Spec);
        Assert.Equal((1_000L, 1_000L, (long?)5_000), (read.CreatedAt, read.UpdatedAt, read.NextRunAt));
        Assert.Null(await Store.GetMonitorAsync("other", Ct));
    }

    [Fact]
    public async Task CreateMonitor_TakenName_ThrowsAlreadyExistsAndKeepsTheFirst()
    {
        await Store.CreateMonitorAsync(Spec("taken", "first"), 1_000, null, Ct);

        var error = await Assert.ThrowsAsync<KeelException>(() => Store.CreateMonitorAsync(Spec("taken", "second"), 2_000, null, Ct));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, error.Code);
        Assert.Equal("first", (await Store.GetMonitorAsync("taken", Ct))!.Spec.Deployment);
    }

    [Fact]
    public async Task UpdateMonitor_ReplacesSpecKeepsCreationAndResults()
    {
        await Store.CreateMonitorAsync(Spec("update"), 1_000, 5_000, Ct);
        await Store.AddResultAsync(Result("update", T0), Ct);
        var changed = Spec("update", "other-deployment", schedule: null) with { Window = TimeSpan.FromMinutes(5) };

        var updated = await Store.UpdateMonitorAsync(changed, 2_000, null, Ct);
        var read = (await Store.GetMonitorAsync("update", Ct))!;

        Assert.Equal((1_000L, 2_000L, (long?)null), (updated.CreatedAt, updated.UpdatedAt, updated.NextRunAt));
        AssertSameSpec(changed, read.Spec);
        Assert.Null(read.NextRunAt);
        Assert.NotNull(await Store.GetLatestResultAsync("update", Ct));
        Assert.Single(await Store.ListMonitorsAsync("other-deployment", Ct));
    }

    [Fact]
    public async Task UpdateMonitor_Unknown_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.UpdateMonitorAsync(Spec("ghost"), 1, null, Ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task ListMonitors_OrdersByNameAndFiltersByDeployment()
    {
        await Store.CreateMonitorAsync(Spec("b", "churn"), 1, null, Ct);
        await Store.CreateMonitorAsync(Spec("a", "churn"), 1, null, Ct);
        await Store.CreateMonitorAsync(Spec("c", "fraud"), 1, null, Ct);

        var all = await Store.ListMonitorsAsync(null, Ct);
        var churn = await Store.ListMonitorsAsync("churn", Ct);

        Assert.Equal(["a", "b", "c"], all.Select(m => m.Spec.Name));
        Assert.Equal(["a", "b"], churn.Select(m => m.Spec.Name));
        Assert.Empty(await Store.ListMonitorsAsync("none", Ct));
    }

    [Fact]
    public async Task DeleteMonitor_RemovesItsResultsAndEventsOnly()
    {
        await Store.CreateMonitorAsync(Spec("gone"), 1, null, Ct);
        await Store.CreateMonitorAsync(Spec("kept"), 1, null, Ct);
        await Store.AddResultAsync(Result("gone", T0, alerts: 2), Ct);
        await Store.AddResultAsync(Result("kept", T0, alerts: 1), Ct);

        await Store.DeleteMonitorAsync("gone", Ct);

        Assert.Null(await Store.GetMonitorAsync("gone", Ct));
        Assert.Empty(await Store.ListResultsAsync("gone", null, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, Ct));
        Assert.Empty(await Store.ListAlertEventsAsync("gone", null, DateTimeOffset.UnixEpoch, 100, Ct));
        Assert.Single(await Store.ListAlertEventsAsync(null, null, DateTimeOffset.UnixEpoch, 100, Ct));
        Assert.NotNull(await Store.GetLatestResultAsync("kept", Ct));
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteMonitorAsync("gone", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task TryClaimRun_OnlyTheExpectedValueWins()
    {
        await Store.CreateMonitorAsync(Spec("claim"), 1, 5_000, Ct);

        var first = await Store.TryClaimRunAsync("claim", 5_000, 10_000, Ct);
        var second = await Store.TryClaimRunAsync("claim", 5_000, 10_000, Ct);
        var unknown = await Store.TryClaimRunAsync("ghost", 5_000, 10_000, Ct);

        Assert.True(first);
        Assert.False(second);
        Assert.False(unknown);
        Assert.Equal(10_000, (await Store.GetMonitorAsync("claim", Ct))!.NextRunAt);
    }

    [Fact]
    public async Task TryClaimRun_ConcurrentClaims_ExactlyOneWins()
    {
        await Store.CreateMonitorAsync(Spec("race"), 1, 5_000, Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Store.TryClaimRunAsync("race", 5_000, 10_000, Ct), Ct)));

        Assert.Equal(1, claims.Count(c => c));
    }

    [Fact]
    public async Task TryClaimRun_CanClearTheNextRun()
    {
        await Store.CreateMonitorAsync(Spec("clear"), 1, 5_000, Ct);

        Assert.True(await Store.TryClaimRunAsync("clear", 5_000, null, Ct));

        Assert.Null((await Store.GetMonitorAsync("clear", Ct))!.NextRunAt);
    }

    [Fact]
    public async Task AddResult_RoundTripsEveryField()
    {
        await Store.CreateMonitorAsync(Spec("result"), 1, null, Ct);
        var result = Result("result", T0, alerts: 1);

        await Store.AddResultAsync(result, Ct);
        var read = (await Store.GetLatestResultAsync("result", Ct))!;

        Assert.Equal((result.Monitor, result.Deployment, result.RunAt, result.WindowStart, result.WindowEnd), (read.Monitor, read.Deployment, read.RunAt, read.WindowStart, read.WindowEnd));
        Assert.Equal((result.Reference, result.ReferenceRows, result.CurrentRows, result.Problem), (read.Reference, read.ReferenceRows, read.CurrentRows, read.Problem));
        var feature = Assert.Single(read.Drift!.Features);
        Assert.Equal(result.Drift!.Features[0] with { Histogram = [] }, feature with { Histogram = [] });
        Assert.Equal(0.5, feature.Histogram[0].CurrentShare);
        Assert.Equal("gold", feature.Histogram[1].Category);
        Assert.True(double.IsNaN(feature.Histogram[1].CurrentShare));
        Assert.Equal((1.0, 0.5, true), (read.Drift.DriftedShare, read.Drift.ShareThreshold, read.Drift.DatasetDrift));
        Assert.Equal(TaskKind.Classification, read.Quality!.Task);
        Assert.Equal(0.9, read.Quality.Current["accuracy"]);
        Assert.Equal(0.95, read.Quality.Baseline["accuracy"]);
        Assert.Equal(result.Serving, read.Serving);
        Assert.Equal(result.Alerts, read.Alerts);
    }

    [Fact]
    public async Task AddResult_ProblemResultWithoutDriftOrQuality_RoundTrips()
    {
        await Store.CreateMonitorAsync(Spec("problem"), 1, null, Ct);
        var result = new MonitorRunResult("problem", "churn", T0, T0.AddHours(-1), T0, "", 0, 0, null, null,
            new ServingStats(0, 0, 0, null, null), [], "No predictions were logged in the window.");

        await Store.AddResultAsync(result, Ct);
        var read = (await Store.GetLatestResultAsync("problem", Ct))!;

        Assert.Null(read.Drift);
        Assert.Null(read.Quality);
        Assert.Equal(result.Serving, read.Serving);
        Assert.Equal(result.Problem, read.Problem);
    }

    [Fact]
    public async Task AddResult_UnknownMonitor_ThrowsNotFoundAndStoresNothing()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.AddResultAsync(Result("ghost", T0, alerts: 1), Ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Empty(await Store.ListAlertEventsAsync(null, null, DateTimeOffset.UnixEpoch, 100, Ct));
    }

    [Fact]
    public async Task ListResults_RangeIsHalfOpenOldestFirstAndFiltered()
    {
        await Store.CreateMonitorAsync(Spec("m1", "churn"), 1, null, Ct);
        await Store.CreateMonitorAsync(Spec("m2", "fraud"), 1, null, Ct);
        for (var i = 0; i < 4; i++)
        {
            await Store.AddResultAsync(Result("m1", T0.AddMinutes(10 * (3 - i)), "churn"), Ct);
        }
        await Store.AddResultAsync(Result("m2", T0.AddMinutes(10), "fraud"), Ct);

        var range = await Store.ListResultsAsync("m1", null, T0.AddMinutes(10), T0.AddMinutes(30), Ct);
        var fraud = await Store.ListResultsAsync(null, "fraud", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, Ct);
        var all = await Store.ListResultsAsync(null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, Ct);
        var both = await Store.ListResultsAsync("m1", "fraud", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, Ct);

        Assert.Equal([T0.AddMinutes(10), T0.AddMinutes(20)], range.Select(r => r.RunAt));
        Assert.Equal("m2", Assert.Single(fraud).Monitor);
        Assert.Equal(5, all.Count);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.RunAt <= p.Second.RunAt));
        Assert.Empty(both);
    }

    [Fact]
    public async Task GetLatestResult_IsTheNewestRunTimeThenTheLastAdded()
    {
        await Store.CreateMonitorAsync(Spec("latest"), 1, null, Ct);
        await Store.AddResultAsync(Result("latest", T0.AddMinutes(5)) with { CurrentRows = 1 }, Ct);
        await Store.AddResultAsync(Result("latest", T0) with { CurrentRows = 2 }, Ct);
        await Store.AddResultAsync(Result("latest", T0.AddMinutes(5)) with { CurrentRows = 3 }, Ct);

        var latest = await Store.GetLatestResultAsync("latest", Ct);

        Assert.Equal(3, latest!.CurrentRows);
        Assert.Null(await Store.GetLatestResultAsync("ghost", Ct));
    }

    [Fact]
    public async Task ListAlertEvents_NewestFirstLimitedAndFiltered()
    {
        await Store.CreateMonitorAsync(Spec("a1", "churn"), 1, null, Ct);
        await Store.CreateMonitorAsync(Spec("a2", "fraud"), 1, null, Ct);
        await Store.AddResultAsync(Result("a1", T0, "churn", alerts: 1), Ct);
        await Store.AddResultAsync(Result("a1", T0.AddMinutes(10), "churn", alerts: 2), Ct);
        await Store.AddResultAsync(Result("a2", T0.AddMinutes(20), "fraud", alerts: 1), Ct);

        var all = await Store.ListAlertEventsAsync(null, null, DateTimeOffset.UnixEpoch, 100, Ct);
        var limited = await Store.ListAlertEventsAsync(null, null, DateTimeOffset.UnixEpoch, 2, Ct);
        var churnSince = await Store.ListAlertEventsAsync(null, "churn", T0.AddMinutes(1), 100, Ct);
        var a2 = await Store.ListAlertEventsAsync("a2", null, DateTimeOffset.UnixEpoch, 100, Ct);

        Assert.Equal(4, all.Count);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.FiredAt >= p.Second.FiredAt));
        Assert.Equal(2, limited.Count);
        Assert.Equal(T0.AddMinutes(20), limited[0].FiredAt);
        Assert.Equal(2, churnSince.Count);
        Assert.All(churnSince, e => Assert.Equal("churn", e.Deployment));
        Assert.Equal("fraud", Assert.Single(a2).Deployment);
    }

    [Fact]
    public async Task Reopen_KeepsMonitorsResultsAndEvents()
    {
        await Store.CreateMonitorAsync(Spec("durable"), 1_000, 7_000, Ct);
        await Store.AddResultAsync(Result("durable", T0, alerts: 1), Ct);

        _store = await ReopenAsync();

        Assert.Equal(7_000, (await Store.GetMonitorAsync("durable", Ct))!.NextRunAt);
        Assert.Single(await Store.ListResultsAsync("durable", null, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, Ct));
        Assert.Single(await Store.ListAlertEventsAsync("durable", null, DateTimeOffset.UnixEpoch, 10, Ct));
    }
}
