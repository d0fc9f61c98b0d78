using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Monitoring.Statistics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Core.Registry.Gates;

/// <summary>
/// Reads a gates file, as given to <c>keel models validate --rules</c>:
/// <code>
/// label: churned
/// metrics: {min: {accuracy: 0.9, roc_auc: 0.95}, max: {log_loss: 0.3}}
/// regression: {accuracy: 0.01, roc_auc: 0.02}       # most each may drop vs the champion, absolute
/// latency: {max_ms_per_row: 1.0}
/// fairness: {column: sex, metric: positive_rate, max_gap: 0.1}
/// data: expectations.yaml
/// importance: {repeats: 5, metric: accuracy, seed: 42}
/// </code>
/// plus the optional <c>task</c> (classification, regression), <c>prediction_output</c>, <c>score_output</c> and
/// <c>positive_label</c>. Any mistake throws INVALID_PARAMETER_VALUE as <c>file:line: key: what is wrong</c>;
/// unknown keys and metric names are mistakes, so a typo never turns a gate off.
/// </summary>
public static class GateRulesYaml
{
    private static readonly string[] TopKeys =
        ["label", "task", "prediction_output", "score_output", "positive_label", "metrics", "regression", "latency", "fairness", "data", "importance"];

    private static readonly string[] Tasks = ["classification", "regression"];

    /// <summary>Parses <paramref name="yaml"/>; <paramref name="file"/> names it in errors.</summary>
    public static GateRules Parse(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        var reader = new Reader(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw reader.Error(checked((int)e.Start.Line), null, $"not valid YAML: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // YamlDotNet reports a key written twice this way, without a position.
            throw reader.Error(1, null, $"not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count > 1)
        {
            throw reader.Error(1, null, "expected one YAML document");
        }
        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            return new GateRules();
        }
        return reader.Rules(stream.Documents[0].RootNode);
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } scalar && scalar.Value is null or "" or "~" or "null";

    private static int LineOf(YamlNode node) => checked((int)node.Start.Line);

    private sealed class Reader(string file)
    {
        public KeelException Error(int line, string? key, string message) =>
            KeelException.InvalidParameter(key is null ? $"{file}:{line}: {message}" : $"{file}:{line}: {key}: {message}");

        public GateRules Rules(YamlNode root)
        {
            var map = Entries(root, "the gates file", TopKeys, "");
            var rules = new GateRules
            {
                Label = OptionalText(map, "label"),
                Task = map.TryGetValue("task", out var task) ? Task(task) : null,
                PredictionOutput = OptionalText(map, "prediction_output"),
                ScoreOutput = OptionalText(map, "score_output"),
                PositiveLabel = OptionalText(map, "positive_label"),
            };
            if (map.TryGetValue("metrics", out var metrics))
            {
                var bounds = Entries(metrics.Value, "metrics", ["min", "max"], "metrics.");
                rules = rules with
                {
                    MinMetrics = bounds.TryGetValue("min", out var min) ? MetricThresholds(min.Value, "metrics.min", atLeastZero: false) : [],
                    MaxMetrics = bounds.TryGetValue("max", out var max) ? MetricThresholds(max.Value, "metrics.max", atLeastZero: false) : [],
                };
            }
            if (map.TryGetValue("regression", out var regression))
            {
                rules = rules with { Regression = MetricThresholds(regression.Value, "regression", atLeastZero: true) };
            }
            if (map.TryGetValue("latency", out var latency))
            {
                var entries = Entries(latency.Value, "latency", ["max_ms_per_row"], "latency.");
                var limit = Required(entries, "max_ms_per_row", "latency", latency.Value);
                rules = rules with { Latency = new LatencyRule(Positive(limit.Value, "latency.max_ms_per_row"), LineOf(limit.Value)) };
            }
            if (map.TryGetValue("fairness", out var fairness))
            {
                rules = rules with { Fairness = Fairness(fairness.Value) };
            }
            if (map.TryGetValue("data", out var data))
            {
                rules = rules with { Data = new DataRule(Text(data.Value, "data"), LineOf(data.Value)) };
            }
            if (map.TryGetValue("importance", out var importance))
            {
                rules = rules with { Importance = Importance(importance.Value) };
            }
            CheckOneTask(rules);
            return rules;
        }

        private TaskKind Task(KeyValuePair<YamlScalarNode, YamlNode> entry)
        {
            var text = Text(entry.Value, "task");
            return text switch
            {
                "classification" => TaskKind.Classification,
                "regression" => TaskKind.Regression,
                _ => throw Error(LineOf(entry.Value), "task", $"unknown task '{text}'; expected one of {string.Join(", ", Tasks)}"),
            };
        }

        private List<MetricRule> MetricThresholds(YamlNode node, string key, bool atLeastZero)
        {
            var rules = new List<MetricRule>();
            foreach (var (name, value) in Entries(node, key, null, key + ".").Values)
            {
                var metric = name.Value ?? "";
                var field = $"{key}.{metric}";
                RequireMetric(metric, LineOf(name), field);
                var threshold = Number(value, field);
                if (atLeastZero && threshold < 0)
                {
                    throw Error(LineOf(value), field, $"expected an allowed drop of at least 0, got {Show(threshold)}");
                }
                rules.Add(new MetricRule(metric, threshold, LineOf(name)));
            }
            return rules;
        }

        private FairnessRule Fairness(YamlNode node)
        {
            var entries = Entries(node, "fairness", ["column", "metric", "max_gap"], "fairness.");
            var column = Text(Required(entries, "column", "fairness", node).Value, "fairness.column");
            var metric = GateMetrics.PositiveRate;
            if (entries.TryGetValue("metric", out var metricNode))
            {
                metric = Text(metricNode.Value, "fairness.metric");
                if (!GateMetrics.FairnessMetrics.Contains(metric, StringComparer.Ordinal))
                {
                    throw Error(LineOf(metricNode.Value), "fairness.metric",
                        $"unknown fairness metric '{metric}'; expected one of {string.Join(", ", GateMetrics.FairnessMetrics)}");
                }
            }
            var gapNode = Required(entries, "max_gap", "fairness", node).Value;
            var gap = Number(gapNode, "fairness.max_gap");
            if (gap is < 0 or > 1)
            {
                throw Error(LineOf(gapNode), "fairness.max_gap", $"expected a difference between 0 and 1, got {Show(gap)}");
            }
            return new FairnessRule(column, metric, gap, LineOf(node));
        }

        private ImportanceRule Importance(YamlNode node)
        {
            var entries = Entries(node, "importance", ["repeats", "metric", "seed"], "importance.");
            var repeats = ImportanceRule.DefaultRepeats;
            if (entries.TryGetValue("repeats", out var repeatsNode))
            {
                var value = Number(repeatsNode.Value, "importance.repeats");
                if (value != Math.Floor(value) || value is < 1 or > ImportanceRule.MaxRepeats)
                {
                    throw Error(LineOf(repeatsNode.Value), "importance.repeats",
                        $"expected a whole number from 1 to {ImportanceRule.MaxRepeats}, got {Show(value)}");
                }
                repeats = (int)value;
            }
            string? metric = null;
            if (entries.TryGetValue("metric", out var metricNode))
            {
                metric = Text(metricNode.Value, "importance.metric");
                RequireMetric(metric, LineOf(metricNode.Value), "importance.metric");
            }
            var seed = ImportanceRule.DefaultSeed;
            if (entries.TryGetValue("seed", out var seedNode))
            {
                var value = Number(seedNode.Value, "importance.seed");
                if (value != Math.Floor(value) || value is < int.MinValue or > int.MaxValue)
                {
                    throw Error(LineOf(seedNode.Value), "importance.seed", $"expected a whole number, got {Show(value)}");
                }
                seed = (int)value;
            }
            return new ImportanceRule(repeats, metric, seed, LineOf(node));
        }

        // Accuracy and rmse in one file cannot both be measured: the model either classifies or regresses.
        private void CheckOneTask(GateRules rules)
        {
            var named = rules.AllMetricRules.Select(r => (r.Metric, r.Line));
            if (rules.Importance.Metric is { } importance)
            {
                named = named.Append((importance, rules.Importance.Line));
            }
            var task = rules.Task;
            foreach (var (metric, line) in named)
            {
                var kind = GateMetrics.TaskOf(metric)!.Value;
                task ??= kind;
                if (kind != task)
                {
                    throw Error(line, metric, $"a {Name(kind)} metric, but the rules are for {Name(task.Value)}");
                }
            }
        }

        private static string Name(TaskKind task) => task == TaskKind.Regression ? "regression" : "classification";

        private void RequireMetric(string metric, int line, string field)
        {
            if (!GateMetrics.IsKnown(metric))
            {
                throw Error(line, field,
                    $"unknown metric '{metric}'; expected one of {string.Join(", ", GateMetrics.Classification.Concat(GateMetrics.Regression))}");
            }
        }

        private Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>> Entries(YamlNode node, string what, string[]? known, string prefix)
        {
            if (node is not YamlMappingNode mapping)
            {
                throw Error(LineOf(node), what == "the gates file" ? null : what, what == "the gates file" ? "expected a YAML mapping of rules" : "expected a mapping");
            }
            var entries = new Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                if (keyNode is not YamlScalarNode { Value: { } key } scalar)
                {
                    throw Error(LineOf(keyNode), what, "expected plain keys");
                }
                if (known is not null && !known.Contains(key, StringComparer.Ordinal))
                {
                    throw Error(LineOf(keyNode), prefix + key, $"unknown key; expected {string.Join(", ", known.Select(k => prefix + k))}");
                }
                entries[key] = new KeyValuePair<YamlScalarNode, YamlNode>(scalar, value);
            }
            return entries;
        }

        private KeyValuePair<YamlScalarNode, YamlNode> Required(
            Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>> entries, string key, string parent, YamlNode node) =>
            entries.TryGetValue(key, out var entry) ? entry : throw Error(LineOf(node), $"{parent}.{key}", "required");

        private string? OptionalText(Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>> map, string key) =>
            map.TryGetValue(key, out var entry) ? Text(entry.Value, key) : null;

        private string Text(YamlNode node, string key) =>
            node is YamlScalarNode { Value: { Length: > 0 } text } && !IsNull(node)
                ? text
                : throw Error(LineOf(node), key, "expected a non-empty text value");

        private double Number(YamlNode node, string key) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw Error(LineOf(node), key, $"expected a number, got '{(node as YamlScalarNode)?.Value ?? node.NodeType.ToString()}'");

        private double Positive(YamlNode node, string key)
        {
            var value = Number(node, key);
            return value > 0 ? value : throw Error(LineOf(node), key, $"expected a number above 0, got {Show(value)}");
        }

        private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
