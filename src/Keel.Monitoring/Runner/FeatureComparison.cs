using System.Globalization;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.Runner;

/// <summary>
/// Drift of each watched feature between a reference and the current window. The watched features are the monitor's
/// list, else every input both sides have (in the log's order). When the two sides disagree on a feature's kind (a
/// CSV column of numbers against a logged text column, say) the text side is read as numbers if every value parses,
/// else both are compared as categories; a kind forced in the feature's options applies to both sides.
/// </summary>
public static class FeatureComparison
{
    /// <summary>One drift result per watched feature; a feature missing from a side gets a result whose Problem says which.</summary>
    public static IReadOnlyList<FeatureDriftResult> Evaluate(
        MonitorSpec spec, IReadOnlyList<string> referenceNames, Func<string, FeatureValues> reference,
        IReadOnlyList<string> currentNames, Func<string, FeatureValues> current)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var inReference = referenceNames.ToHashSet(StringComparer.Ordinal);
        var inCurrent = currentNames.ToHashSet(StringComparer.Ordinal);
        var watched = spec.Features.Count > 0 ? spec.Features : currentNames.Where(inReference.Contains).ToList();
        var results = new List<FeatureDriftResult>(watched.Count);
        foreach (var feature in watched)
        {
            var options = spec.FeatureOptions.GetValueOrDefault(feature);
            if (!inReference.Contains(feature) || !inCurrent.Contains(feature))
            {
                var missing = !inReference.Contains(feature) ? "the reference has no column" : "no logged prediction in the window has an input";
                results.Add(Missing(feature, options, $"{char.ToUpperInvariant(missing[0])}{missing[1..]} named '{feature}'."));
                continue;
            }
            var (left, right) = Align(reference(feature), current(feature), options?.Kind);
            results.Add(FeatureDrift.Evaluate(left, right, options));
        }
        return results;
    }

    internal static (FeatureValues Reference, FeatureValues Current) Align(FeatureValues reference, FeatureValues current, FeatureKind? forced)
    {
        if (forced is { } kind)
        {
            return (As(reference, kind), As(current, kind));
        }
        if (reference.Kind == current.Kind)
        {
            return (reference, current);
        }
        var text = reference.Kind == FeatureKind.Categorical ? reference : current;
        return TryNumbers(text) is not null
            ? (As(reference, FeatureKind.Numeric), As(current, FeatureKind.Numeric))
            : (As(reference, FeatureKind.Categorical), As(current, FeatureKind.Categorical));
    }

    private static FeatureValues As(FeatureValues values, FeatureKind kind)
    {
        if (values.Kind == kind)
        {
            return values;
        }
        if (kind == FeatureKind.Categorical)
        {
            return FeatureValues.Categorical(values.Name,
                [.. values.Numbers!.Select(n => double.IsNaN(n) ? null : n.ToString("R", CultureInfo.InvariantCulture))]);
        }
        // Forced numeric: text that is not a number counts as missing.
        return FeatureValues.Numeric(values.Name, TryNumbers(values) ?? [.. values.Categories!.Select(Parse)]);
    }

    private static double[]? TryNumbers(FeatureValues values)
    {
        var numbers = values.Categories!.Select(Parse).ToArray();
        return values.Categories!.Where((c, i) => c is not null && double.IsNaN(numbers[i])).Any() ? null : numbers;
    }

    private static double Parse(string? text) =>
        text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;

    private static FeatureDriftResult Missing(string feature, DriftOptions? options, string problem) =>
        new(feature, options?.Kind ?? FeatureKind.Numeric, options?.Method ?? DriftMethod.KolmogorovSmirnov, null, null,
            options?.Threshold ?? 0.05, false, 0, 0, problem, []);
}
