using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Registry.Gates;

/// <summary>One group's value of a fairness metric; NaN when the metric is undefined for it (recall without positives).</summary>
public sealed record GroupValue(string Group, int Rows, double Value);

/// <summary>
/// A fairness metric per group of <see cref="Column"/>, and the gap between the highest and the lowest defined value
/// (NaN with fewer than two defined groups).
/// </summary>
public sealed record FairnessResult(string Column, string Metric, IReadOnlyList<GroupValue> Groups)
{
    public GroupValue? Lowest => Defined.MinBy(g => g.Value);

    public GroupValue? Highest => Defined.MaxBy(g => g.Value);

    public double Gap => Defined.Count() < 2 ? double.NaN : Highest!.Value - Lowest!.Value;

    private IEnumerable<GroupValue> Defined => Groups.Where(g => !double.IsNaN(g.Value));
}

/// <summary>
/// Computes a <see cref="GateMetrics.FairnessMetrics">fairness metric</see> for each group of a column: the share
/// predicted positive, recall (of the positive label; undefined in a group without positives) or accuracy, the last
/// two through <see cref="QualityMetrics"/>. A missing group value is its own group, <c>(missing)</c>.
/// </summary>
public static class FairnessGroups
{
    public const string MissingGroup = "(missing)";

    public static FairnessResult Compute(
        string column, string metric, IReadOnlyList<string> actual, IReadOnlyList<string> predicted, IReadOnlyList<string?> groups, string positiveLabel)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(groups);
        if (actual.Count != predicted.Count || actual.Count != groups.Count)
        {
            throw new ArgumentException("actual, predicted and groups must have the same length.", nameof(groups));
        }
        if (!GateMetrics.FairnessMetrics.Contains(metric, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{metric}' is not a fairness metric.", nameof(metric));
        }
        var rowsByGroup = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++)
        {
            var group = string.IsNullOrEmpty(groups[i]) ? MissingGroup : groups[i]!;
            if (!rowsByGroup.TryGetValue(group, out var rows))
            {
                rows = [];
                rowsByGroup[group] = rows;
            }
            rows.Add(i);
        }
        return new FairnessResult(column, metric,
            [.. rowsByGroup.Select(g => new GroupValue(g.Key, g.Value.Count, Value(metric, [.. g.Value.Select(i => actual[i])], [.. g.Value.Select(i => predicted[i])], positiveLabel)))]);
    }

    private static double Value(string metric, string[] actual, string[] predicted, string positiveLabel)
    {
        if (metric == GateMetrics.PositiveRate)
        {
            return (double)predicted.Count(p => p == positiveLabel) / predicted.Length;
        }
        if (metric == QualityMetricNames.Recall && !actual.Contains(positiveLabel, StringComparer.Ordinal))
        {
            // sklearn would say 0 (zero_division); a group with nothing to recall says nothing about fairness.
            return double.NaN;
        }
        return QualityMetrics.Classification(actual, predicted, positiveLabel: positiveLabel).GetValueOrDefault(metric, double.NaN);
    }
}
