using System.Globalization;
using Keel.Core.Data.Validation;

namespace Keel.Core.Registry.Gates;

/// <summary>
/// Applies <see cref="GateRules"/> to <see cref="GateObservations"/>: pure, so every rule's edge is testable. A metric
/// the data cannot define (NaN or absent, e.g. ROC AUC with one class) fails its gate rather than passing unseen;
/// regression gates are skipped without a champion, or when the champion's metric is undefined.
/// </summary>
public static class GateEvaluator
{
    // Metrics are sums of doubles: a drop of 1e-15 is rounding, not a regression.
    private const double Tolerance = 1e-12;

    public static GateReport Evaluate(GateRules rules, GateObservations observed)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(observed);
        var checks = new List<GateCheck>();
        checks.AddRange(rules.MinMetrics.Select(r => Bound(r, observed.Candidate, atLeast: true)));
        checks.AddRange(rules.MaxMetrics.Select(r => Bound(r, observed.Candidate, atLeast: false)));
        checks.AddRange(rules.Regression.Select(r => Regression(r, observed)));
        if (rules.Latency is { } latency)
        {
            checks.Add(Latency(latency, observed.MsPerRow));
        }
        if (rules.Fairness is { } fairness)
        {
            checks.Add(Fairness(fairness, observed.Fairness));
        }
        if (rules.Data is { } data)
        {
            checks.Add(Data(data, observed.Data));
        }
        return new GateReport(checks);
    }

    private static GateCheck Bound(MetricRule rule, IReadOnlyDictionary<string, double> metrics, bool atLeast)
    {
        var kind = atLeast ? GateKinds.MinMetric : GateKinds.MaxMetric;
        if (Value(metrics, rule.Metric) is not { } value)
        {
            return new GateCheck(kind, rule.Metric, GateOutcome.Failed, null, rule.Threshold, $"{rule.Metric} is undefined on this data");
        }
        var passed = atLeast ? value >= rule.Threshold : value <= rule.Threshold;
        return new GateCheck(kind, rule.Metric, passed ? GateOutcome.Passed : GateOutcome.Failed, value, rule.Threshold,
            $"{rule.Metric} {Show(value)} {(atLeast ? (passed ? ">=" : "<") : (passed ? "<=" : ">"))} {Show(rule.Threshold)}");
    }

    private static GateCheck Regression(MetricRule rule, GateObservations observed)
    {
        if (observed.Champion is null)
        {
            return new GateCheck(GateKinds.Regression, rule.Metric, GateOutcome.Skipped, null, rule.Threshold, "no champion: skipped");
        }
        if (Value(observed.Candidate, rule.Metric) is not { } candidate)
        {
            return new GateCheck(GateKinds.Regression, rule.Metric, GateOutcome.Failed, null, rule.Threshold, $"the candidate's {rule.Metric} is undefined on this data");
        }
        if (Value(observed.Champion, rule.Metric) is not { } champion)
        {
            return new GateCheck(GateKinds.Regression, rule.Metric, GateOutcome.Skipped, null, rule.Threshold,
                $"the champion's {rule.Metric} is undefined on this data: skipped");
        }
        // A drop is how much worse the candidate is, whichever way the metric points.
        var drop = GateMetrics.HigherIsBetter(rule.Metric) ? champion - candidate : candidate - champion;
        var passed = drop <= rule.Threshold + Tolerance;
        return new GateCheck(GateKinds.Regression, rule.Metric, passed ? GateOutcome.Passed : GateOutcome.Failed, drop, rule.Threshold,
            $"{rule.Metric} {Show(candidate)} vs champion {Show(champion)}: {(drop > 0 ? "worse" : "no worse")} by {Show(Math.Max(drop, 0))}, allowed {Show(rule.Threshold)}");
    }

    private static GateCheck Latency(LatencyRule rule, double? msPerRow) =>
        msPerRow is not { } ms || double.IsNaN(ms)
            ? new GateCheck(GateKinds.Latency, "ms_per_row", GateOutcome.Failed, null, rule.MaxMsPerRow, "latency could not be measured (no row scored)")
            : new GateCheck(GateKinds.Latency, "ms_per_row", ms <= rule.MaxMsPerRow ? GateOutcome.Passed : GateOutcome.Failed, ms, rule.MaxMsPerRow,
                $"{Show(ms)} ms per row {(ms <= rule.MaxMsPerRow ? "<=" : ">")} {Show(rule.MaxMsPerRow)}");

    private static GateCheck Fairness(FairnessRule rule, FairnessResult? result)
    {
        var subject = $"{rule.Column}: {rule.Metric}";
        if (result is null)
        {
            return new GateCheck(GateKinds.Fairness, subject, GateOutcome.Failed, null, rule.MaxGap, "fairness could not be measured");
        }
        var undefined = result.Groups.Where(g => double.IsNaN(g.Value)).Select(g => g.Group).ToList();
        var note = undefined.Count == 0 ? "" : $"; {rule.Metric} undefined for {string.Join(", ", undefined.Select(g => $"'{g}'"))}, left out";
        if (double.IsNaN(result.Gap))
        {
            return new GateCheck(GateKinds.Fairness, subject, GateOutcome.Failed, null, rule.MaxGap,
                $"fewer than two groups of '{rule.Column}' have a defined {rule.Metric}, so the gap cannot be checked{note}");
        }
        var (low, high) = (result.Lowest!, result.Highest!);
        var passed = result.Gap <= rule.MaxGap + Tolerance;
        return new GateCheck(GateKinds.Fairness, subject, passed ? GateOutcome.Passed : GateOutcome.Failed, result.Gap, rule.MaxGap,
            $"gap {Show(result.Gap)} ({Group(high)} vs {Group(low)}) {(passed ? "<=" : ">")} {Show(rule.MaxGap)}{note}");
    }

    private static GateCheck Data(DataRule rule, ValidationReport? report)
    {
        if (report is null)
        {
            return new GateCheck(GateKinds.Data, rule.Path, GateOutcome.Failed, null, 0, "the data checks did not run");
        }
        var failed = report.Checks.Where(c => !c.Passed).ToList();
        var detail = failed.Count == 0
            ? $"all {report.Checks.Count} data checks passed"
            : $"{failed.Count} of {report.Checks.Count} data checks failed: "
              + string.Join("; ", failed.Select(c => $"{(c.Column is null ? c.Rule : $"{c.Column}: {c.Rule}")} expected {c.Expected}, observed {c.Observed}"));
        return new GateCheck(GateKinds.Data, rule.Path, failed.Count == 0 ? GateOutcome.Passed : GateOutcome.Failed, failed.Count, 0, detail);
    }

    private static double? Value(IReadOnlyDictionary<string, double> metrics, string metric) =>
        metrics.TryGetValue(metric, out var value) && !double.IsNaN(value) ? value : null;

    private static string Group(GroupValue group) => $"'{group.Group}' {Show(group.Value)}";

    internal static string Show(double value) => Math.Round(value, 6).ToString("0.######", CultureInfo.InvariantCulture);
}
