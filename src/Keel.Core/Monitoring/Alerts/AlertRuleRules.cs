using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Core.Common;

namespace Keel.Core.Monitoring.Alerts;

/// <summary>
/// What makes alert rules valid. Every broken rule throws <see cref="KeelException"/> with
/// <see cref="ErrorCode.InvalidParameterValue"/>, naming the field (e.g. <c>alerts[2].threshold</c>) and the rule.
/// </summary>
public static partial class AlertRuleRules
{
    /// <summary>Longest rule name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Most rules one monitor may hold.</summary>
    public const int MaxRules = 100;

    /// <summary>Longest feature name a drift rule may name (a dataset column name's limit).</summary>
    public const int MaxFeatureLength = 1_000;

    /// <summary>
    /// Checks one rule: the name (1–64 of letters, digits, '_', '-', '.', starting with a letter or digit); the kind;
    /// the threshold (none for drift, which fires on the monitor's verdict; required and finite otherwise — latency
    /// in ms above 0, error rate 0 to 1, a quality metric within its range); metric only and always for quality
    /// (one of <see cref="QualityMetricLimits.Known"/>); feature only for drift.
    /// </summary>
    /// <param name="rule">The rule.</param>
    /// <param name="field">Where it sits in the request, e.g. <c>alerts[2]</c>; prefixed to member names in messages.</param>
    public static void Validate(AlertRule rule, string field)
    {
        if (rule is null)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        Name(rule.Name, Member(field, "name"));
        if (!Enum.IsDefined(rule.Kind))
        {
            throw Invalid(rule.Kind.ToString(), Member(field, "kind"), $"expected one of {string.Join(", ", AlertKindNames.All)}.");
        }
        var kind = AlertKindNames.ToWire(rule.Kind);
        if (rule.Kind != AlertKind.Quality && rule.Metric is not null)
        {
            throw Invalid(rule.Metric, Member(field, "metric"), $"only quality rules take a metric (this rule's kind is {kind}).");
        }
        if (rule.Kind != AlertKind.Drift && rule.Feature is not null)
        {
            throw Invalid(rule.Feature, Member(field, "feature"), $"only drift rules take a feature (this rule's kind is {kind}).");
        }
        switch (rule.Kind)
        {
            case AlertKind.Drift:
                DriftRule(rule, field);
                break;
            case AlertKind.Quality:
                QualityRule(rule, field);
                break;
            case AlertKind.Latency:
                var latency = Threshold(rule.Threshold, field, kind);
                if (latency <= 0)
                {
                    throw Invalid(Text(latency), Member(field, "threshold"), "a latency threshold is a p99 latency in milliseconds above 0.");
                }
                break;
            case AlertKind.ErrorRate:
                var rate = Threshold(rule.Threshold, field, kind);
                if (rate is < 0 or > 1)
                {
                    throw Invalid(Text(rate), Member(field, "threshold"), "an error-rate threshold is a share from 0 to 1.");
                }
                break;
        }
    }

    /// <summary>
    /// Checks every rule (see <see cref="Validate"/>), at most <see cref="MaxRules"/>, with names unique (ordinal).
    /// A null list is an absent one: a monitor need not alert.
    /// </summary>
    /// <param name="rules">The monitor's rules.</param>
    /// <param name="field">The list's field, e.g. <c>alerts</c>; elements are named <c>alerts[i]</c>.</param>
    public static void ValidateAll(IReadOnlyList<AlertRule> rules, string field)
    {
        if (rules is null)
        {
            return;
        }
        if (rules.Count > MaxRules)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value for parameter '{field}': at most {MaxRules} alert rules per monitor (got {rules.Count})."));
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var element = Text($"{field}[{i}]");
            Validate(rules[i], element);
            if (!seen.TryAdd(rules[i].Name, i))
            {
                throw Invalid(rules[i].Name, Member(element, "name"), Text($"alert rule names must be unique within a monitor ({field}[{seen[rules[i].Name]}] has it too)."));
            }
        }
    }

    private static void DriftRule(AlertRule rule, string field)
    {
        if (rule.Threshold is { } threshold)
        {
            throw Invalid(Text(threshold), Member(field, "threshold"),
                "drift rules take no threshold: they fire on the monitor's drift verdict (set the monitor's drift share threshold, or the feature's drift threshold, instead).");
        }
        if (rule.Feature is { } feature
            && (feature.Trim().Length == 0 || feature.Length > MaxFeatureLength || feature.Any(char.IsControl)))
        {
            throw Invalid(feature, Member(field, "feature"), Text($"a feature name is 1 to {MaxFeatureLength} characters, not blank, without control characters."));
        }
    }

    private static void QualityRule(AlertRule rule, string field)
    {
        if (rule.Metric is null)
        {
            throw KeelException.InvalidParameter(
                $"Missing value for required parameter '{Member(field, "metric")}': a quality rule names one of {string.Join(", ", QualityMetricLimits.Known)}.");
        }
        if (!QualityMetricLimits.IsKnown(rule.Metric))
        {
            throw Invalid(rule.Metric, Member(field, "metric"), $"expected one of {string.Join(", ", QualityMetricLimits.Known)}.");
        }
        var threshold = Threshold(rule.Threshold, field, AlertKindNames.Quality);
        var (min, max) = QualityMetricLimits.Range(rule.Metric);
        if (threshold < min || threshold > max)
        {
            var range = (min, max) switch
            {
                (_, double.MaxValue) => Text($"at least {min}"),
                (double.MinValue, _) => Text($"at most {max}"),
                _ => Text($"from {min} to {max}"),
            };
            throw Invalid(Text(threshold), Member(field, "threshold"), $"{rule.Metric} thresholds are {range}.");
        }
    }

    private static double Threshold(double? threshold, string field, string kind)
    {
        if (threshold is not { } value)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{Member(field, "threshold")}': {kind} rules need a threshold.");
        }
        if (!double.IsFinite(value))
        {
            throw Invalid(Text(value), Member(field, "threshold"), "expected a finite number.");
        }
        return value;
    }

    private static void Name(string? name, string field)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        if (name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            throw Invalid(name, field, Text($"alert rule names are 1 to {MaxNameLength} letters, digits, '_', '-' or '.', starting with a letter or digit."));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    private static string Member(string field, string member) => string.IsNullOrEmpty(field) ? member : field + "." + member;

    private static KeelException Invalid(string value, string field, string rule) =>
        KeelException.InvalidParameter($"Invalid value '{Printable(value)}' for parameter '{field}': {rule}");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Printable(string value)
    {
        var shown = value.Length > 100 ? value[..100] + "…" : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? Text($"\\u{(int)c:x4}") : c.ToString()));
    }
}
