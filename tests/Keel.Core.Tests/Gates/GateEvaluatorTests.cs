using Keel.Core.Data.Validation;
using Keel.Core.Registry.Gates;

namespace Keel.Core.Tests.Gates;

public sealed class GateEvaluatorTests
{
    private static readonly Dictionary<string, double> Good = new() { ["accuracy"] = 0.92, ["roc_auc"] = 0.97, ["log_loss"] = 0.2 };

    private static GateObservations Observed(
        IReadOnlyDictionary<string, double>? candidate = null, IReadOnlyDictionary<string, double>? champion = null, double? ms = null,
        FairnessResult? fairness = null, ValidationReport? data = null) =>
        new(candidate ?? Good, champion, ms, fairness, data);

    [Fact]
    public void Evaluate_MinAndMaxMetrics_PassAtTheThresholdAndFailBeyond()
    {
        var rules = new GateRules
        {
            MinMetrics = [new MetricRule("accuracy", 0.92, 1), new MetricRule("roc_auc", 0.98, 1)],
            MaxMetrics = [new MetricRule("log_loss", 0.2, 2), new MetricRule("log_loss", 0.1, 3)],
        };

        var report = GateEvaluator.Evaluate(rules, Observed());

        Assert.Equal([GateOutcome.Passed, GateOutcome.Failed, GateOutcome.Passed, GateOutcome.Failed], report.Checks.Select(c => c.Outcome));
        Assert.False(report.Passed);
        Assert.Equal(2, report.FailedCount);
        Assert.Equal("roc_auc 0.97 < 0.98", report.Checks[1].Detail);
        Assert.Equal((0.97, 0.98), (report.Checks[1].Observed, report.Checks[1].Threshold));
    }

    [Fact]
    public void Evaluate_UndefinedMetric_FailsInsteadOfPassingUnseen()
    {
        var rules = new GateRules { MinMetrics = [new MetricRule("roc_auc", 0.5, 1), new MetricRule("accuracy", 0.5, 1)] };
        var candidate = new Dictionary<string, double> { ["accuracy"] = double.NaN };

        var report = GateEvaluator.Evaluate(rules, Observed(candidate));

        Assert.All(report.Checks, c => Assert.Equal(GateOutcome.Failed, c.Outcome));
        Assert.Equal("roc_auc is undefined on this data", report.Checks[0].Detail);
        Assert.Null(report.Checks[1].Observed);
    }

    [Fact]
    public void Evaluate_NoChampion_SkipsRegressionWithoutFailing()
    {
        var rules = new GateRules { Regression = [new MetricRule("accuracy", 0.01, 1)] };

        var report = GateEvaluator.Evaluate(rules, Observed());

        var check = Assert.Single(report.Checks);
        Assert.Equal(GateOutcome.Skipped, check.Outcome);
        Assert.Equal("no champion: skipped", check.Detail);
        Assert.True(report.Passed);
    }

    [Fact]
    public void Evaluate_Regression_MeasuresTheDropWhicheverWayTheMetricPoints()
    {
        var rules = new GateRules
        {
            Regression = [new MetricRule("accuracy", 0.01, 1), new MetricRule("log_loss", 0.05, 2), new MetricRule("roc_auc", 0.0, 3)],
        };
        // accuracy 0.92 vs 0.94: 0.02 worse (> 0.01); log loss 0.2 vs 0.16: 0.04 worse (<= 0.05); roc_auc better.
        var champion = new Dictionary<string, double> { ["accuracy"] = 0.94, ["log_loss"] = 0.16, ["roc_auc"] = 0.9 };

        var report = GateEvaluator.Evaluate(rules, Observed(champion: champion));

        Assert.Equal([GateOutcome.Failed, GateOutcome.Passed, GateOutcome.Passed], report.Checks.Select(c => c.Outcome));
        Assert.Equal(0.02, report.Checks[0].Observed!.Value, 12);
        Assert.Equal(0.04, report.Checks[1].Observed!.Value, 12);
        Assert.Equal("accuracy 0.92 vs champion 0.94: worse by 0.02, allowed 0.01", report.Checks[0].Detail);
        Assert.Equal("roc_auc 0.97 vs champion 0.9: no worse by 0, allowed 0", report.Checks[2].Detail);
    }

    [Fact]
    public void Evaluate_RegressionWithChampionMetricUndefined_Skips_AndCandidateUndefined_Fails()
    {
        var rules = new GateRules { Regression = [new MetricRule("roc_auc", 0.01, 1), new MetricRule("f1", 0.01, 2)] };
        var champion = new Dictionary<string, double> { ["accuracy"] = 0.9, ["f1"] = 0.8 };

        var report = GateEvaluator.Evaluate(rules, Observed(champion: champion));

        Assert.Equal(GateOutcome.Skipped, report.Checks[0].Outcome);
        Assert.Equal(GateOutcome.Failed, report.Checks[1].Outcome);
        Assert.Equal("the candidate's f1 is undefined on this data", report.Checks[1].Detail);
    }

    [Theory]
    [InlineData(0.8, GateOutcome.Passed)]
    [InlineData(1.0, GateOutcome.Passed)]
    [InlineData(1.2, GateOutcome.Failed)]
    [InlineData(double.NaN, GateOutcome.Failed)]
    public void Evaluate_Latency_HoldsMsPerRowToTheLimit(double ms, GateOutcome expected)
    {
        var report = GateEvaluator.Evaluate(new GateRules { Latency = new LatencyRule(1.0, 1) }, Observed(ms: ms));

        Assert.Equal(expected, Assert.Single(report.Checks).Outcome);
    }

    [Fact]
    public void Evaluate_Fairness_ComparesTheWidestGap()
    {
        var fairness = new FairnessResult("sex", "positive_rate", [new GroupValue("F", 10, 0.3), new GroupValue("M", 12, 0.45), new GroupValue("X", 2, 0.35)]);
        var rules = new GateRules { Fairness = new FairnessRule("sex", "positive_rate", 0.1, 1) };

        var check = Assert.Single(GateEvaluator.Evaluate(rules, Observed(fairness: fairness)).Checks);

        Assert.Equal(GateOutcome.Failed, check.Outcome);
        Assert.Equal(0.15, check.Observed!.Value, 12);
        Assert.Equal("sex: positive_rate", check.Subject);
        Assert.Equal("gap 0.15 ('M' 0.45 vs 'F' 0.3) > 0.1", check.Detail);
    }

    [Fact]
    public void Evaluate_FairnessWithAnUndefinedGroup_LeavesItOutAndSaysSo()
    {
        var fairness = new FairnessResult("sex", "recall", [new GroupValue("F", 3, double.NaN), new GroupValue("M", 12, 0.8), new GroupValue("X", 5, 0.75)]);
        var rules = new GateRules { Fairness = new FairnessRule("sex", "recall", 0.1, 1) };

        var check = Assert.Single(GateEvaluator.Evaluate(rules, Observed(fairness: fairness)).Checks);

        Assert.Equal(GateOutcome.Passed, check.Outcome);
        Assert.EndsWith("; recall undefined for 'F', left out", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FairnessWithOneDefinedGroup_FailsAsUncheckable()
    {
        var fairness = new FairnessResult("sex", "recall", [new GroupValue("F", 3, double.NaN), new GroupValue("M", 12, 0.8)]);
        var rules = new GateRules { Fairness = new FairnessRule("sex", "recall", 0.1, 1) };

        var check = Assert.Single(GateEvaluator.Evaluate(rules, Observed(fairness: fairness)).Checks);

        Assert.Equal(GateOutcome.Failed, check.Outcome);
        Assert.StartsWith("fewer than two groups of 'sex' have a defined recall", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DataRule_FailsWithTheFailedChecksNamed()
    {
        var data = new ValidationReport(
        [
            new ValidationCheck("present", "age", true, "present", "present"),
            new ValidationCheck("min", "age", false, ">= 0", "-3"),
        ]);
        var rules = new GateRules { Data = new DataRule("expectations.yaml", 1) };

        var check = Assert.Single(GateEvaluator.Evaluate(rules, Observed(data: data)).Checks);

        Assert.Equal(GateOutcome.Failed, check.Outcome);
        Assert.Equal("1 of 2 data checks failed: age: min expected >= 0, observed -3", check.Detail);
    }
}
