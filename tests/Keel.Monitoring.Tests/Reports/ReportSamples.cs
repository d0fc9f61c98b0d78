using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Reports;

/// <summary>Monitor results as the runner stores them, built by hand for the report tests.</summary>
internal static class ReportSamples
{
    public const string DeploymentName = "churn";
    public const string MonitorName = "churn-drift";
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static FeatureDriftResult Numeric(string feature, double pValue, bool drifted, double shift = 0) => new(
        feature, FeatureKind.Numeric, DriftMethod.KolmogorovSmirnov, Score: 0.1 + shift, PValue: pValue, Threshold: 0.05, drifted, 500, 400, null,
        [
            new HistogramBin(0, 1, null, 0.2, 0.1 + shift / 4),
            new HistogramBin(1, 2, null, 0.5, 0.4),
            new HistogramBin(2, 3, null, 0.3, 0.5 - shift / 4),
        ]);

    public static FeatureDriftResult Categorical(string feature, double score, bool drifted, params string[] categories) => new(
        feature, FeatureKind.Categorical, DriftMethod.JensenShannon, Score: score, PValue: null, Threshold: 0.1, drifted, 500, 400, null,
        categories.Select((c, i) => new HistogramBin(null, null, c, 1.0 / categories.Length, i == 0 ? 0.6 : 0.4 / (categories.Length - 1))).ToList());

    public static FeatureDriftResult Failed(string feature, string problem) => new(
        feature, FeatureKind.Numeric, DriftMethod.KolmogorovSmirnov, null, null, 0.05, false, 500, 0, problem, []);

    public static MonitorRunResult Run(
        int hour,
        IReadOnlyList<FeatureDriftResult>? features,
        QualityResult? quality = null,
        IReadOnlyList<AlertEvent>? alerts = null,
        string? problem = null,
        string monitor = MonitorName,
        string deployment = DeploymentName,
        ServingStats? serving = null)
    {
        var at = Start.AddHours(hour);
        var drift = features is null ? null : Drift(features);
        return new MonitorRunResult(monitor, deployment, at, at.AddHours(-1), at, "dataset churn-train v3", 500, features is null ? 0 : 400, drift, quality,
            serving ?? new ServingStats(100 + hour, hour % 3, (hour % 3) / (100.0 + hour), 3 + hour * 0.1, 12 + hour), alerts ?? [], problem);
    }

    public static DatasetDriftResult Drift(IReadOnlyList<FeatureDriftResult> features)
    {
        var computed = features.Count(f => f.Problem is null);
        var share = computed == 0 ? 0 : features.Count(f => f.Drifted) / (double)computed;
        return new DatasetDriftResult(features, share, 0.5, share >= 0.5);
    }

    public static QualityResult Quality(double accuracy, double f1) => new(
        TaskKind.Classification, 80,
        new Dictionary<string, double> { [QualityMetricNames.Accuracy] = accuracy, [QualityMetricNames.F1] = f1 },
        new Dictionary<string, double> { [QualityMetricNames.Accuracy] = 0.93, [QualityMetricNames.RocAuc] = 0.97 });

    public static AlertEvent Alert(int hour, string monitor = MonitorName, string deployment = DeploymentName, string rule = "dataset-drift") => new(
        Guid.NewGuid().ToString("N"), monitor, deployment, rule, AlertKind.Drift, "dataset drift: 2 of 3 features drifted (share 0.67 ≥ 0.50)",
        0.67, 0.5, Start.AddHours(hour));

    public static Keel.Monitoring.Reports.MonitorReportQuery Query(string? monitor = null, int fromHour = 0, int toHour = 24) =>
        new(DeploymentName, monitor, Start.AddHours(fromHour), Start.AddHours(toHour));
}
