using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Core.Tests.Monitoring.Alerts;

public sealed class AlertEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private static FeatureDriftResult Feature(string name, bool drifted, DriftMethod method = DriftMethod.Wasserstein, double? score = 0.05,
        double? pValue = null, double threshold = 0.1, string? problem = null) =>
        new(name, FeatureKind.Numeric, method, problem is null ? score : null, pValue, threshold, drifted, 1000, 200, problem, []);

    private static DatasetDriftResult Drift(double share, bool datasetDrift, params FeatureDriftResult[] features) =>
        new(features, share, 0.5, datasetDrift);

    private static MonitorRunResult Run(DatasetDriftResult? drift = null, QualityResult? quality = null, ServingStats? serving = null,
        string? problem = null) =>
        new("churn-monitor", "churn", Now, Now.AddHours(-1), Now, "dataset churn v3", 1000, 200, drift, quality,
            serving ?? new ServingStats(200, 0, 0, 3, 9), [], problem);

    private static QualityResult Quality(string metric, double value, int labelled = 120, double? baseline = null) =>
        new(TaskKind.Classification, labelled, new Dictionary<string, double> { [metric] = value },
            baseline is { } b ? new Dictionary<string, double> { [metric] = b } : new Dictionary<string, double>());

    private IReadOnlyList<AlertEvent> Evaluate(MonitorRunResult run, params AlertRule[] rules) => AlertEvaluator.Evaluate(run, rules, _time);

    private static readonly AlertRule DatasetDriftRule = new("drift", AlertKind.Drift);

    [Fact]
    public void Evaluate_DatasetDrift_FiresWithShareAndCounts()
    {
        var drift = Drift(0.7, true,
            Feature("a", true), Feature("b", true), Feature("c", false), Feature("d", false, problem: "all values are null"));
        drift = drift with { DriftedShare = 2.0 / 3 };

        var fired = Assert.Single(Evaluate(Run(drift), DatasetDriftRule));

        Assert.Equal("drift", fired.Rule);
        Assert.Equal(AlertKind.Drift, fired.Kind);
        Assert.Equal(2.0 / 3, fired.Value);
        Assert.Equal(0.5, fired.Threshold);
        Assert.Equal("dataset drift: 2 of 3 features drifted (share 0.666667 ≥ 0.50)", fired.Message);
    }

    [Fact]
    public void Evaluate_ShareAtThresholdWithVerdict_Fires_BelowWithoutVerdict_DoesNot()
    {
        // The verdict (share ≥ threshold) is the statistics' decision; the rule follows it exactly.
        var atBoundary = Drift(0.5, true, Feature("a", true), Feature("b", false));
        var below = Drift(0.49, false, Feature("a", true), Feature("b", false), Feature("c", false));

        Assert.Equal("dataset drift: 1 of 2 features drifted (share 0.50 ≥ 0.50)", Assert.Single(Evaluate(Run(atBoundary), DatasetDriftRule)).Message);
        Assert.Empty(Evaluate(Run(below), DatasetDriftRule));
    }

    [Fact]
    public void Evaluate_FeatureDriftByDistance_ValueIsScore()
    {
        var drift = Drift(0.25, false, Feature("age", true, score: 0.23), Feature("income", false));

        var fired = Assert.Single(Evaluate(Run(drift), new AlertRule("age-drift", AlertKind.Drift, Feature: "age")));

        Assert.Equal(0.23, fired.Value);
        Assert.Equal(0.1, fired.Threshold);
        Assert.Equal("feature 'age' drifted: normed Wasserstein 0.23 ≥ 0.1 (200 current vs 1000 reference values)", fired.Message);
    }

    [Fact]
    public void Evaluate_FeatureDriftByTest_ValueIsPValue()
    {
        var drift = Drift(1, true, Feature("plan", true, DriftMethod.ChiSquared, score: 17.2, pValue: 0.00031, threshold: 0.05));

        var fired = Assert.Single(Evaluate(Run(drift), new AlertRule("plan-drift", AlertKind.Drift, Feature: "plan")));

        Assert.Equal(0.00031, fired.Value);
        Assert.Equal(0.05, fired.Threshold);
        Assert.Contains("chi-squared p-value 0.00031 < 0.05", fired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FeatureNotDrifted_UncomputedOrUnknown_DoesNotFire()
    {
        // The dataset verdict is true, so only the feature's own verdict keeps these rules quiet.
        var drift = Drift(1, true, Feature("age", false), Feature("empty", false, problem: "the window is empty"));

        Assert.Empty(Evaluate(Run(drift),
            new AlertRule("age", AlertKind.Drift, Feature: "age"),
            new AlertRule("empty", AlertKind.Drift, Feature: "empty"),
            new AlertRule("missing", AlertKind.Drift, Feature: "not-watched"),
            new AlertRule("case", AlertKind.Drift, Feature: "AGE")));
    }

    [Theory]
    [InlineData(QualityMetricNames.Accuracy, 0.8499, true)]
    [InlineData(QualityMetricNames.Accuracy, 0.85, false)]
    [InlineData(QualityMetricNames.Accuracy, 0.9, false)]
    [InlineData(QualityMetricNames.RocAuc, 0.84, true)]
    [InlineData(QualityMetricNames.R2, 0.8, true)]
    [InlineData(QualityMetricNames.LogLoss, 0.8501, true)]
    [InlineData(QualityMetricNames.LogLoss, 0.85, false)]
    [InlineData(QualityMetricNames.LogLoss, 0.3, false)]
    [InlineData(QualityMetricNames.Rmse, 0.86, true)]
    [InlineData(QualityMetricNames.Mae, 0.85, false)]
    public void Evaluate_Quality_FiresOnTheWrongSideOfTheThresholdOnly(string metric, double value, bool fires)
    {
        var fired = Evaluate(Run(quality: Quality(metric, value)), new AlertRule("q", AlertKind.Quality, 0.85, metric));

        Assert.Equal(fires, fired.Count == 1);
    }

    [Fact]
    public void Evaluate_QualityBelow_MessageNamesMetricValueThresholdRowsAndBaseline()
    {
        var fired = Assert.Single(Evaluate(Run(quality: Quality("accuracy", 0.81, 120, baseline: 0.92)),
            new AlertRule("accuracy-floor", AlertKind.Quality, 0.85, "accuracy")));

        Assert.Equal(0.81, fired.Value);
        Assert.Equal(0.85, fired.Threshold);
        Assert.Equal("quality: accuracy 0.81 < 0.85 on 120 labelled rows (baseline 0.92)", fired.Message);
    }

    [Fact]
    public void Evaluate_ErrorMetricAbove_MessageSaysAbove()
    {
        var fired = Assert.Single(Evaluate(Run(quality: Quality("rmse", 3.5, 40)), new AlertRule("rmse", AlertKind.Quality, 2, "rmse")));

        Assert.Equal("quality: rmse 3.5 > 2 on 40 labelled rows", fired.Message);
    }

    [Fact]
    public void Evaluate_NoLabelledRowsOrMetricMissing_QualityDoesNotFire()
    {
        var rule = new AlertRule("auc", AlertKind.Quality, 0.9, "roc_auc");

        Assert.Empty(Evaluate(Run(quality: null), rule));
        Assert.Empty(Evaluate(Run(quality: Quality("roc_auc", 0.1, labelled: 0)), rule));
        Assert.Empty(Evaluate(Run(quality: Quality("accuracy", 0.1)), rule));
        Assert.Empty(Evaluate(Run(quality: Quality("roc_auc", double.NaN)), rule));
    }

    [Theory]
    [InlineData(200.001, true)]
    [InlineData(200, false)]
    [InlineData(150, false)]
    public void Evaluate_Latency_FiresAboveThreshold(double p99, bool fires)
    {
        var run = Run(serving: new ServingStats(1200, 0, 0, 20, p99));

        var fired = Evaluate(run, new AlertRule("slow", AlertKind.Latency, 200));

        Assert.Equal(fires, fired.Count == 1);
        if (fires)
        {
            Assert.Equal("p99 latency 200.001 ms > 200 ms over 1200 requests", fired[0].Message);
            Assert.Equal(p99, fired[0].Value);
            Assert.Equal(200, fired[0].Threshold);
        }
    }

    [Fact]
    public void Evaluate_LatencyWithoutRequestsOrPercentile_DoesNotFire()
    {
        var rule = new AlertRule("slow", AlertKind.Latency, 1);

        Assert.Empty(Evaluate(Run(serving: new ServingStats(0, 0, 0, null, null)), rule));
        Assert.Empty(Evaluate(Run(serving: new ServingStats(10, 0, 0, null, null)), rule));
    }

    [Theory]
    [InlineData(52, true)]
    [InlineData(50, false)]
    [InlineData(0, false)]
    public void Evaluate_ErrorRate_FiresAboveThreshold(int errors, bool fires)
    {
        var run = Run(serving: new ServingStats(1000, errors, errors / 1000.0, 3, 9));

        var fired = Evaluate(run, new AlertRule("errors", AlertKind.ErrorRate, 0.05));

        Assert.Equal(fires, fired.Count == 1);
        if (fires)
        {
            Assert.Equal("error rate 0.052 > 0.05 (52 of 1000 requests failed)", fired[0].Message);
        }
    }

    [Fact]
    public void Evaluate_ProblemResult_FiresServingRulesOnly()
    {
        // Drift and quality inputs are present but the run says they cannot be trusted.
        var run = Run(Drift(1, true, Feature("a", true)), Quality("accuracy", 0.1), new ServingStats(100, 100, 1, 5, 900),
            problem: "the reference dataset churn v3 has no profile");

        var fired = Evaluate(run,
            DatasetDriftRule,
            new AlertRule("a", AlertKind.Drift, Feature: "a"),
            new AlertRule("acc", AlertKind.Quality, 0.9, "accuracy"),
            new AlertRule("slow", AlertKind.Latency, 500),
            new AlertRule("errors", AlertKind.ErrorRate, 0.5));

        Assert.Equal(["slow", "errors"], fired.Select(e => e.Rule));
    }

    [Fact]
    public void Evaluate_EmptyWindowProblem_FiresNothing()
    {
        var run = Run(serving: new ServingStats(0, 0, 0, null, null), problem: "no predictions were logged in the window");

        Assert.Empty(Evaluate(run, DatasetDriftRule, new AlertRule("slow", AlertKind.Latency, 1), new AlertRule("errors", AlertKind.ErrorRate, 0)));
    }

    [Fact]
    public void Evaluate_SeveralRules_EventsInRuleOrderWithMonitorIdsAndClock()
    {
        var run = Run(Drift(1, true, Feature("a", true)), serving: new ServingStats(10, 5, 0.5, 5, 900));

        var fired = Evaluate(run, new AlertRule("errors", AlertKind.ErrorRate, 0.1), new AlertRule("quiet", AlertKind.Latency, 1000), DatasetDriftRule);

        Assert.Equal(["errors", "drift"], fired.Select(e => e.Rule));
        Assert.All(fired, e =>
        {
            Assert.Equal("churn-monitor", e.Monitor);
            Assert.Equal("churn", e.Deployment);
            Assert.Equal(Now, e.FiredAt);
            Assert.Matches("^[0-9a-f]{32}$", e.Id);
        });
        Assert.NotEqual(fired[0].Id, fired[1].Id);
    }

    [Fact]
    public void Evaluate_NoRules_NoEvents() => Assert.Empty(Evaluate(Run(Drift(1, true, Feature("a", true)))));
}
