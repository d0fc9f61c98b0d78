using Keel.Core.Common;
using Keel.Core.Monitoring.Statistics;
using Keel.Core.Registry.Gates;

namespace Keel.Core.Tests.Gates;

public sealed class GateRulesYamlTests
{
    private const string Full = """
        label: churned
        metrics:
          min: {accuracy: 0.9, roc_auc: 0.95}
          max: {log_loss: 0.3}
        regression: {accuracy: 0.01, roc_auc: 0.02}
        latency: {max_ms_per_row: 1.5}
        fairness: {column: sex, metric: recall, max_gap: 0.1}
        data: expectations.yaml
        importance: {repeats: 3, metric: f1, seed: 7}
        """;

    [Fact]
    public void Parse_EveryRule_ReadsThresholdsAndLines()
    {
        var rules = GateRulesYaml.Parse(Full, "gates.yaml");

        Assert.Equal("churned", rules.Label);
        Assert.Equal([new MetricRule("accuracy", 0.9, 3), new MetricRule("roc_auc", 0.95, 3)], rules.MinMetrics);
        Assert.Equal([new MetricRule("log_loss", 0.3, 4)], rules.MaxMetrics);
        Assert.Equal([new MetricRule("accuracy", 0.01, 5), new MetricRule("roc_auc", 0.02, 5)], rules.Regression);
        Assert.Equal(new LatencyRule(1.5, 6), rules.Latency);
        Assert.Equal(new FairnessRule("sex", "recall", 0.1, 7), rules.Fairness);
        Assert.Equal(new DataRule("expectations.yaml", 8), rules.Data);
        Assert.Equal(new ImportanceRule(3, "f1", 7, 9), rules.Importance);
        Assert.Null(rules.Task);
    }

    [Fact]
    public void Parse_EmptyFile_HasNoGatesAndDefaultImportance()
    {
        var rules = GateRulesYaml.Parse("# nothing yet\n", "gates.yaml");

        Assert.Empty(rules.AllMetricRules);
        Assert.Null(rules.Latency);
        Assert.Null(rules.Fairness);
        Assert.Equal(new ImportanceRule(5, null, 42, 0), rules.Importance);
    }

    [Fact]
    public void Parse_FairnessWithoutMetric_ComparesPositiveRate()
    {
        var rules = GateRulesYaml.Parse("fairness: {column: sex, max_gap: 0.2}", "g.yaml");

        Assert.Equal(GateMetrics.PositiveRate, rules.Fairness!.Metric);
    }

    [Fact]
    public void Parse_RegressionMetrics_AreTheirOwnTask()
    {
        var rules = GateRulesYaml.Parse("task: regression\nmetrics: {max: {rmse: 2}, min: {r2: 0.5}}", "g.yaml");

        Assert.Equal(TaskKind.Regression, rules.Task);
        Assert.Equal("rmse", rules.MaxMetrics[0].Metric);
    }

    [Theory]
    [InlineData("metrics:\n  min: {acuracy: 0.9}", "gates.yaml:2: metrics.min.acuracy: unknown metric 'acuracy'; expected one of accuracy, precision, recall, f1, roc_auc, log_loss, rmse, mae, r2")]
    [InlineData("metrics:\n  least: {accuracy: 0.9}", "gates.yaml:2: metrics.least: unknown key; expected metrics.min, metrics.max")]
    [InlineData("label: y\nthresholds: 3", "gates.yaml:2: thresholds: unknown key; expected label, task, prediction_output, score_output, positive_label, metrics, regression, latency, fairness, data, importance")]
    [InlineData("metrics:\n  min:\n    accuracy: high", "gates.yaml:3: metrics.min.accuracy: expected a number, got 'high'")]
    [InlineData("regression: {accuracy: -0.1}", "gates.yaml:1: regression.accuracy: expected an allowed drop of at least 0, got -0.1")]
    [InlineData("latency: {max_ms_per_row: 0}", "gates.yaml:1: latency.max_ms_per_row: expected a number above 0, got 0")]
    [InlineData("latency: {}", "gates.yaml:1: latency.max_ms_per_row: required")]
    [InlineData("fairness:\n  column: sex\n  metric: precision\n  max_gap: 0.1", "gates.yaml:3: fairness.metric: unknown fairness metric 'precision'; expected one of positive_rate, recall, accuracy")]
    [InlineData("fairness:\n  metric: recall\n  max_gap: 0.1", "gates.yaml:2: fairness.column: required")]
    [InlineData("fairness: {column: sex, max_gap: 1.5}", "gates.yaml:1: fairness.max_gap: expected a difference between 0 and 1, got 1.5")]
    [InlineData("importance: {repeats: 0}", "gates.yaml:1: importance.repeats: expected a whole number from 1 to 100, got 0")]
    [InlineData("importance: {metric: auc}", "gates.yaml:1: importance.metric: unknown metric 'auc'; expected one of accuracy, precision, recall, f1, roc_auc, log_loss, rmse, mae, r2")]
    [InlineData("task: ranking", "gates.yaml:1: task: unknown task 'ranking'; expected one of classification, regression")]
    [InlineData("metrics:\n  min: {accuracy: 0.9}\n  max: {rmse: 3}", "gates.yaml:3: rmse: a regression metric, but the rules are for classification")]
    [InlineData("- accuracy", "gates.yaml:1: expected a YAML mapping of rules")]
    [InlineData("metrics: [accuracy]", "gates.yaml:1: metrics: expected a mapping")]
    [InlineData("data: ''", "gates.yaml:1: data: expected a non-empty text value")]
    public void Parse_Mistake_NamesFileLineAndKey(string yaml, string message)
    {
        var error = Assert.Throws<KeelException>(() => GateRulesYaml.Parse(yaml, "gates.yaml"));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_BrokenYaml_NamesTheLine()
    {
        var error = Assert.Throws<KeelException>(() => GateRulesYaml.Parse("label: y\nmetrics: {min: [\n", "rules/gates.yaml"));

        Assert.StartsWith("rules/gates.yaml:", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }
}
