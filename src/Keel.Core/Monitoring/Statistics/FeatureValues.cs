namespace Keel.Core.Monitoring.Statistics;

/// <summary>Whether a feature is compared as numbers or as categories.</summary>
public enum FeatureKind
{
    /// <summary>Numbers: compared by their distribution (KS, Wasserstein) or binned (JS, PSI, K–L).</summary>
    Numeric,

    /// <summary>Labels: compared by per-category counts.</summary>
    Categorical,
}

/// <summary>
/// One feature's values in a reference or a current window. Numeric values use <see cref="double.NaN"/> for missing,
/// categorical ones null. Missing values are left out of every test (as Evidently drops them).
/// </summary>
public sealed class FeatureValues
{
    private FeatureValues(string name, FeatureKind kind, double[]? numbers, string?[]? categories)
    {
        Name = name;
        Kind = kind;
        Numbers = numbers;
        Categories = categories;
    }

    /// <summary>The feature (column) name.</summary>
    public string Name { get; }

    /// <summary>Whether <see cref="Numbers"/> or <see cref="Categories"/> holds the values.</summary>
    public FeatureKind Kind { get; }

    /// <summary>The values when <see cref="Kind"/> is <see cref="FeatureKind.Numeric"/>; NaN for missing.</summary>
    public double[]? Numbers { get; }

    /// <summary>The values when <see cref="Kind"/> is <see cref="FeatureKind.Categorical"/>; null for missing.</summary>
    public string?[]? Categories { get; }

    /// <summary>Rows, missing ones included.</summary>
    public int Count => Numbers?.Length ?? Categories!.Length;

    /// <summary>Numeric values; NaN (and ±∞) count as missing. The array is used as is, not copied.</summary>
    public static FeatureValues Numeric(string name, double[] values) => new(name, FeatureKind.Numeric, values, null);

    /// <summary>Categorical values; null counts as missing. The array is used as is, not copied.</summary>
    public static FeatureValues Categorical(string name, string?[] values) => new(name, FeatureKind.Categorical, null, values);
}
