using System.Globalization;

namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// Drift of one feature between a reference and a current window, with Evidently's defaults
/// (<see cref="DriftDefaults"/>). Missing values — NaN, ±∞ and null — are left out first, as Evidently drops them.
/// Degenerate data never throws: the result carries a one-sentence <see cref="FeatureDriftResult.Problem"/> instead.
/// </summary>
public static class FeatureDrift
{
    /// <summary>
    /// Evaluates one feature. The method is <paramref name="options"/>' or Evidently's choice; the threshold likewise.
    /// <see cref="FeatureDriftResult.Score"/> is the p-value for tests and the distance otherwise.
    /// </summary>
    public static FeatureDriftResult Evaluate(FeatureValues reference, FeatureValues current, DriftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (options?.Kind is null && reference.Kind != current.Kind)
        {
            return Problem(current.Name, reference.Kind, options?.Method ?? DriftMethod.ChiSquared, options, 0, 0,
                $"The reference is {Describe(reference.Kind)} but the current window is {Describe(current.Kind)}.");
        }
        var kind = options?.Kind ?? reference.Kind;
        if (kind == FeatureKind.Numeric)
        {
            var referenceNumbers = NumbersOf(reference);
            var currentNumbers = NumbersOf(current);
            if (referenceNumbers is null || currentNumbers is null)
            {
                return Problem(current.Name, kind, options?.Method ?? DriftMethod.KolmogorovSmirnov, options, 0, 0,
                    "Numeric handling was asked for but some values are not numbers.");
            }
            return NumericDrift.Evaluate(current.Name, SortedSample.FiniteSorted(referenceNumbers), SortedSample.FiniteSorted(currentNumbers), options);
        }
        var table = reference.Numbers is not null && current.Numbers is not null
            ? CategoryTable.FromSortedNumbers(SortedSample.FiniteSorted(reference.Numbers), SortedSample.FiniteSorted(current.Numbers))
            : CategoryTable.FromStrings(CategoriesOf(reference), CategoriesOf(current));
        return CategoricalDrift.Evaluate(current.Name, table, options);
    }

    /// <summary>
    /// Evaluates many features in parallel, pairing each current feature with the reference feature of the same name
    /// (ordinal). A current feature without a reference gets a result with a Problem. Results follow
    /// <paramref name="current"/>'s order.
    /// </summary>
    /// <param name="reference">Reference features.</param>
    /// <param name="current">Current-window features.</param>
    /// <param name="optionsFor">Per-feature options by name; null or a null answer takes the defaults.</param>
    public static IReadOnlyList<FeatureDriftResult> EvaluateAll(
        IReadOnlyList<FeatureValues> reference, IReadOnlyList<FeatureValues> current, Func<string, DriftOptions?>? optionsFor = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var byName = new Dictionary<string, FeatureValues>(StringComparer.Ordinal);
        foreach (var feature in reference)
        {
            byName[feature.Name] = feature;
        }
        var results = new FeatureDriftResult[current.Count];
        Parallel.For(0, current.Count, i =>
        {
            var feature = current[i];
            var options = optionsFor?.Invoke(feature.Name);
            results[i] = byName.TryGetValue(feature.Name, out var referenceFeature)
                ? Evaluate(referenceFeature, feature, options)
                : Problem(feature.Name, feature.Kind, options?.Method ?? DriftMethod.ChiSquared, options, 0, feature.Count,
                    "The reference has no feature of this name.");
        });
        return results;
    }

    internal static FeatureDriftResult Problem(
        string feature, FeatureKind kind, DriftMethod method, DriftOptions? options, int referenceCount, int currentCount, string problem,
        IReadOnlyList<HistogramBin>? histogram = null) =>
        new(feature, kind, method, null, null, options?.Threshold ?? DriftDefaults.Threshold(method), false, referenceCount, currentCount,
            problem, histogram ?? []);

    internal static FeatureDriftResult Result(
        string feature, FeatureKind kind, DriftMethod method, DriftOptions? options, int referenceCount, int currentCount,
        double score, double? statistic, IReadOnlyList<HistogramBin> histogram)
    {
        if (!double.IsFinite(score))
        {
            return Problem(feature, kind, method, options, referenceCount, currentCount, "The statistic is undefined for these values.", histogram);
        }
        var threshold = options?.Threshold ?? DriftDefaults.Threshold(method);
        var test = DriftDefaults.IsHypothesisTest(method);
        var drifted = test ? score < threshold : score >= threshold;
        return new FeatureDriftResult(feature, kind, method, score, test ? score : null, threshold, drifted, referenceCount, currentCount, null, histogram)
        {
            // ±∞ (chi-squared with a category the reference never had) is not representable in JSON: null instead.
            Statistic = statistic is { } s && double.IsFinite(s) ? s : null,
        };
    }

    private static string Describe(FeatureKind kind) => kind == FeatureKind.Numeric ? "numeric" : "categorical";

    private static double[]? NumbersOf(FeatureValues values)
    {
        if (values.Numbers is not null)
        {
            return values.Numbers;
        }
        var categories = values.Categories!;
        var numbers = new double[categories.Length];
        for (var i = 0; i < categories.Length; i++)
        {
            if (categories[i] is null)
            {
                numbers[i] = double.NaN;
            }
            else if (!double.TryParse(categories[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }
        return numbers;
    }

    private static string?[] CategoriesOf(FeatureValues values)
    {
        if (values.Categories is not null)
        {
            return values.Categories;
        }
        var numbers = values.Numbers!;
        var categories = new string?[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            categories[i] = double.IsFinite(numbers[i]) ? numbers[i].ToString("R", CultureInfo.InvariantCulture) : null;
        }
        return categories;
    }
}
