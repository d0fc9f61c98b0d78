using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Models.Packages;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring.Monitors;

/// <summary>
/// Reads and writes a monitor file, as given to <c>keel monitor create -f</c> and <c>POST /api/keel/v1/monitors</c>
/// with <c>Content-Type: application/yaml</c>:
/// <code>
/// name: churn-drift
/// deployment: churn
/// reference: {kind: training_data}       # or {kind: dataset, dataset: churn-train, version: 3}, {kind: traffic, offset: 7d}
/// window: 1h
/// schedule: "*/15 * * * *"
/// features: [age, income, plan]
/// feature_options:
///   income: {method: psi, threshold: 0.2}
///   plan: {kind: categorical}
/// drift_share_threshold: 0.5
/// task: classification
/// prediction_output: prediction
/// score_output: probability
/// alerts:
///   - {name: drift, kind: drift}
///   - {name: accuracy, kind: quality, metric: accuracy, threshold: 0.8}
/// webhooks: ["https://hooks.example.com/keel"]
/// </code>
/// Only <c>name</c> and <c>deployment</c> are required; unknown keys are refused, so a typo is not silently ignored.
/// JSON is YAML too, so the same parser reads a JSON spec of the same shape (the API's JSON body), nulls meaning
/// "not given".
/// </summary>
public static class MonitorYaml
{
    /// <summary>The window when the file names none.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(1);

    /// <summary>Evidently's share of drifted features that means dataset drift.</summary>
    public const double DefaultDriftShareThreshold = 0.5;

    /// <summary>The logged output compared with the labels when the file names none.</summary>
    public const string DefaultPredictionOutput = "prediction";

    private const string What = "The monitor spec";

    private static readonly string[] TopKeys =
    [
        "name", "deployment", "reference", "window", "schedule", "features", "feature_options", "drift_share_threshold", "task",
        "prediction_output", "score_output", "alerts", "webhooks",
    ];

    private static readonly string[] ReferenceKeys = ["kind", "dataset", "version", "offset"];
    private static readonly string[] OptionKeys = ["method", "threshold", "kind"];
    private static readonly string[] AlertKeys = ["name", "kind", "threshold", "metric", "feature"];

    /// <summary>Parses and validates (<see cref="MonitorRules.Validate"/>) a monitor file; throws INVALID_PARAMETER_VALUE naming the key.</summary>
    public static MonitorSpec Parse(string yaml) => Parse(yaml, null);

    /// <summary>
    /// As <see cref="Parse(string)"/>; <paramref name="name"/>, when given, names a monitor whose file has no
    /// <c>name</c>, and must equal it when the file has one.
    /// </summary>
    public static MonitorSpec Parse(string yaml, string? name)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var root = YamlTree.Load(yaml, What) as IReadOnlyDictionary<string, object?>
            ?? throw KeelException.InvalidParameter($"{What} must be a YAML mapping with at least name and deployment.");
        Keys(root, TopKeys, "");
        var fileName = Text(root, "name", "name");
        if (name is not null && fileName is not null && !string.Equals(name, fileName, StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"{What} names monitor '{fileName}', not '{name}'.");
        }
        var window = Text(root, "window", "window") is { } windowText ? MonitorDuration.Parse(windowText, "window") : DefaultWindow;
        var spec = new MonitorSpec(
            fileName ?? name ?? "",
            Text(root, "deployment", "deployment") ?? throw Missing("deployment"),
            Reference(root.GetValueOrDefault("reference")),
            window,
            Text(root, "schedule", "schedule"),
            List(root, "features").Select((f, i) => Text(f, Field("features", i)) ?? throw Missing(Field("features", i))).ToArray(),
            FeatureOptions(root.GetValueOrDefault("feature_options")),
            Number(root.GetValueOrDefault("drift_share_threshold"), "drift_share_threshold") ?? DefaultDriftShareThreshold,
            Text(root, "task", "task") is { } task ? MonitorNames.ParseTask(task, "task") : null,
            Text(root, "prediction_output", "prediction_output") ?? DefaultPredictionOutput,
            Text(root, "score_output", "score_output"),
            List(root, "alerts").Select((item, i) => Alert(item, Field("alerts", i))).ToArray(),
            List(root, "webhooks").Select((w, i) => MonitorRules.Webhook(Text(w, Field("webhooks", i)), Field("webhooks", i))).ToArray());
        return MonitorRules.Validate(spec);
    }

    /// <summary>Writes <paramref name="spec"/> as a monitor file that <see cref="Parse(string)"/> reads back to an equal spec.</summary>
    public static string Serialize(MonitorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var root = new OrderedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = spec.Name,
            ["deployment"] = spec.Deployment,
            ["reference"] = ReferenceMap(spec.Reference),
            ["window"] = MonitorDuration.Format(spec.Window),
            ["features"] = spec.Features.ToList(),
            ["drift_share_threshold"] = spec.DriftShareThreshold,
            ["prediction_output"] = spec.PredictionOutput,
            ["alerts"] = spec.Alerts.Select(AlertMap).ToList(),
            ["webhooks"] = spec.Webhooks.Select(w => w.OriginalString).ToList(),
        };
        if (spec.Schedule is not null)
        {
            root["schedule"] = spec.Schedule;
        }
        if (spec.FeatureOptions.Count > 0)
        {
            root["feature_options"] = spec.FeatureOptions.ToDictionary(o => o.Key, o => (object?)OptionsMap(o.Value), StringComparer.Ordinal);
        }
        if (spec.Task is { } task)
        {
            root["task"] = MonitorNames.Of(task);
        }
        if (spec.ScoreOutput is not null)
        {
            root["score_output"] = spec.ScoreOutput;
        }
        return YamlTree.Emit(root);
    }

    private static Dictionary<string, object?> ReferenceMap(MonitorReference reference)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal) { ["kind"] = MonitorNames.Of(reference.Kind) };
        if (reference.Dataset is not null)
        {
            map["dataset"] = reference.Dataset;
        }
        if (reference.DatasetVersion is { } version)
        {
            map["version"] = version;
        }
        if (reference.Offset is { } offset)
        {
            map["offset"] = MonitorDuration.Format(offset);
        }
        return map;
    }

    private static Dictionary<string, object?> OptionsMap(DriftOptions options)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (options.Method is { } method)
        {
            map["method"] = MonitorNames.Of(method);
        }
        if (options.Threshold is { } threshold)
        {
            map["threshold"] = threshold;
        }
        if (options.Kind is { } kind)
        {
            map["kind"] = MonitorNames.Of(kind);
        }
        return map;
    }

    private static Dictionary<string, object?> AlertMap(AlertRule rule)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = rule.Name, ["kind"] = MonitorNames.Of(rule.Kind) };
        if (rule.Threshold is { } threshold)
        {
            map["threshold"] = threshold;
        }
        if (rule.Metric is not null)
        {
            map["metric"] = rule.Metric;
        }
        if (rule.Feature is not null)
        {
            map["feature"] = rule.Feature;
        }
        return map;
    }

    // A bare word is the kind: `reference: training_data`.
    private static MonitorReference Reference(object? value)
    {
        switch (value)
        {
            case null:
                return MonitorReference.TrainingData;
            case string kind:
                return new MonitorReference(MonitorNames.ParseReferenceKind(kind, "reference.kind"));
            case IReadOnlyDictionary<string, object?> map:
                Keys(map, ReferenceKeys, "reference.");
                var offset = Text(map, "offset", "reference.offset");
                return new MonitorReference(
                    Text(map, "kind", "reference.kind") is { } text ? MonitorNames.ParseReferenceKind(text, "reference.kind") : InferKind(map),
                    Text(map, "dataset", "reference.dataset"),
                    Whole(map.GetValueOrDefault("version"), "reference.version"),
                    offset is null ? null : MonitorDuration.Parse(offset, "reference.offset"));
            default:
                throw KeelException.InvalidParameter("Invalid value for parameter 'reference': expected a mapping with kind, dataset, version or offset.");
        }
    }

    private static MonitorReferenceKind InferKind(IReadOnlyDictionary<string, object?> map) =>
        map.GetValueOrDefault("dataset") is not null ? MonitorReferenceKind.Dataset
        : map.GetValueOrDefault("offset") is not null ? MonitorReferenceKind.Traffic
        : MonitorReferenceKind.TrainingData;

    private static Dictionary<string, DriftOptions> FeatureOptions(object? value)
    {
        if (value is null)
        {
            return [];
        }
        var map = value as IReadOnlyDictionary<string, object?>
            ?? throw KeelException.InvalidParameter("Invalid value for parameter 'feature_options': expected a mapping of feature name to {method, threshold, kind}.");
        var options = new Dictionary<string, DriftOptions>(StringComparer.Ordinal);
        foreach (var (feature, item) in map)
        {
            var field = $"feature_options.{feature}";
            var entry = Map(item, field);
            Keys(entry, OptionKeys, field + ".");
            options[feature] = new DriftOptions(
                Text(entry, "method", field + ".method") is { } method ? MonitorNames.ParseMethod(method, field + ".method") : null,
                Number(entry.GetValueOrDefault("threshold"), field + ".threshold"),
                Text(entry, "kind", field + ".kind") is { } kind ? MonitorNames.ParseFeatureKind(kind, field + ".kind") : null);
        }
        return options;
    }

    private static AlertRule Alert(object? item, string field)
    {
        var map = Map(item, field);
        Keys(map, AlertKeys, field + ".");
        return new AlertRule(
            Text(map, "name", field + ".name") ?? throw Missing(field + ".name"),
            MonitorNames.ParseAlertKind(Text(map, "kind", field + ".kind"), field + ".kind"),
            Number(map.GetValueOrDefault("threshold"), field + ".threshold"),
            Text(map, "metric", field + ".metric"),
            Text(map, "feature", field + ".feature"));
    }

    private static void Keys(IReadOnlyDictionary<string, object?> map, string[] allowed, string prefix)
    {
        var unknown = map.Keys.FirstOrDefault(k => !allowed.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw KeelException.InvalidParameter(
                $"Unknown key '{prefix}{unknown}' in the monitor spec; expected {string.Join(", ", allowed.Select(k => prefix + k))}.");
        }
    }

    private static IReadOnlyDictionary<string, object?> Map(object? value, string field) =>
        value as IReadOnlyDictionary<string, object?>
            ?? throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': expected a mapping.");

    private static IReadOnlyList<object?> List(IReadOnlyDictionary<string, object?> map, string key) =>
        map.GetValueOrDefault(key) switch
        {
            null => [],
            IReadOnlyList<object?> list => list,
            _ => throw KeelException.InvalidParameter($"Invalid value for parameter '{key}': expected a list."),
        };

    private static string? Text(IReadOnlyDictionary<string, object?> map, string key, string field) => Text(map.GetValueOrDefault(key), field);

    // A number or boolean written where text belongs (name: 2024) is read as its text.
    private static string? Text(object? value, string field) => value switch
    {
        null => null,
        string text => text,
        long or double or bool => Convert.ToString(value, CultureInfo.InvariantCulture),
        _ => throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': expected text."),
    };

    private static double? Number(object? value, string field) => value switch
    {
        null => null,
        long number => number,
        double number => number,
        _ => throw KeelException.InvalidParameter($"Invalid value '{value}' for parameter '{field}': expected a number."),
    };

    private static long? Whole(object? value, string field) => value switch
    {
        null => null,
        long number => number,
        _ => throw KeelException.InvalidParameter($"Invalid value '{value}' for parameter '{field}': expected a whole number."),
    };

    private static KeelException Missing(string field) => KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");

    private static string Field(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");
}
