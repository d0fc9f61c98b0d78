using Keel.Core.Common;
using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class MetricsFileTests
{
    [Fact]
    public void Flatten_Json_GivesNumericLeavesUnderDottedKeys()
    {
        var metrics = MetricsFile.Flatten("""
            {"auc": 0.91, "eval": {"loss": 0.2, "per_class": {"yes": 3}}, "name": "x", "ok": true, "none": null, "curve": [1, 2]}
            """, "metrics/train.json");

        Assert.Equal([new("auc", 0.91), new("eval.loss", 0.2), new KeyValuePair<string, double>("eval.per_class.yes", 3)], metrics);
    }

    [Fact]
    public void Flatten_Yaml_GivesNumericLeavesUnderDottedKeys()
    {
        var metrics = MetricsFile.Flatten("accuracy: 0.8\neval:\n  rmse: 1.5e-1\n  n: 100\n  label: yes\nquoted: '3'\n", "metrics.yaml");

        Assert.Equal([new("accuracy", 0.8), new("eval.n", 100), new KeyValuePair<string, double>("eval.rmse", 0.15)], metrics);
    }

    [Theory]
    [InlineData("{\"auc\": ", "m.json", "m.json:1: not valid JSON:")]
    [InlineData("[1, 2]", "m.json", "m.json: expected a JSON object of metric names to numbers, not Array.")]
    [InlineData("- 1\n", "m.yaml", "m.yaml:1: expected a mapping of metric names to numbers.")]
    [InlineData("a: [1\n", "m.yml", "m.yml:2: not valid YAML:")]
    [InlineData("", "m.yaml", "m.yaml:1: expected a mapping of metric names to numbers.")]
    public void Flatten_Invalid_NamesTheFile(string text, string fileName, string expectedStart) =>
        Assert.StartsWith(expectedStart, Assert.Throws<KeelException>(() => MetricsFile.Flatten(text, fileName)).Message, StringComparison.Ordinal);
}
