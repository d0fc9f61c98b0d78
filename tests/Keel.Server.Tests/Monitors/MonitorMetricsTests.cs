using System.Text;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;
using Keel.Server.KeelApi;

namespace Keel.Server.Tests.Monitors;

public sealed class MonitorMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static MonitorRunResult Result(string feature, bool drifted, int alerts = 0) => new(
        "m", "churn", T0, T0.AddHours(-1), T0, "dataset d v1", 100, 50,
        new DatasetDriftResult(
            [new FeatureDriftResult(feature, FeatureKind.Numeric, DriftMethod.KolmogorovSmirnov, 0.001, 0.001, 0.05, drifted, 100, 50, null, [])],
            drifted ? 1 : 0, 0.5, drifted),
        new QualityResult(TaskKind.Classification, 10, new Dictionary<string, double> { ["accuracy"] = 0.75 }, new Dictionary<string, double>()),
        new ServingStats(50, 0, 0, 1, 2),
        [.. Enumerable.Range(0, alerts).Select(i => new AlertEvent($"id{i}", "m", "churn", "drift", AlertKind.Drift, "drift", 1, 0.5, T0))],
        null);

    private static async Task<string> ScrapeAsync(MonitorMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task OnResult_SetsTheGaugesOfTheLatestResultAndCountsAlerts()
    {
        var metrics = new MonitorMetrics();

        metrics.OnResult(Result("age", drifted: true, alerts: 2));
        var text = await ScrapeAsync(metrics);

        Assert.Contains("keel_monitor_feature_drift_score{monitor=\"m\",deployment=\"churn\",feature=\"age\",method=\"ks\"} 0.001", text, StringComparison.Ordinal);
        Assert.Contains("keel_monitor_feature_drifted{monitor=\"m\",deployment=\"churn\",feature=\"age\",method=\"ks\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("keel_monitor_drifted_feature_share{monitor=\"m\",deployment=\"churn\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("keel_monitor_dataset_drift{monitor=\"m\",deployment=\"churn\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("keel_monitor_quality{monitor=\"m\",deployment=\"churn\",metric=\"accuracy\"} 0.75", text, StringComparison.Ordinal);
        Assert.Contains("keel_monitor_alerts_total{monitor=\"m\",deployment=\"churn\",kind=\"drift\"} 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnResult_ANewerResultReplacesTheSeriesOfItsMonitor()
    {
        var metrics = new MonitorMetrics();
        metrics.OnResult(Result("age", drifted: true));

        metrics.OnResult(Result("income", drifted: false));
        var text = await ScrapeAsync(metrics);

        Assert.DoesNotContain("feature=\"age\"", text, StringComparison.Ordinal);
        Assert.Contains("keel_monitor_feature_drifted{monitor=\"m\",deployment=\"churn\",feature=\"income\",method=\"ks\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("keel_monitor_dataset_drift{monitor=\"m\",deployment=\"churn\"} 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDeleted_RemovesTheMonitorsSeries()
    {
        var metrics = new MonitorMetrics();
        metrics.OnResult(Result("age", drifted: true));

        metrics.OnDeleted("m");
        var text = await ScrapeAsync(metrics);

        Assert.DoesNotContain("keel_monitor_feature_drift_score{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("keel_monitor_dataset_drift{", text, StringComparison.Ordinal);
    }
}
