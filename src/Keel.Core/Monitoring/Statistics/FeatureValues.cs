namespace Keel.Core.Monitoring.Statistics;

/// <summary>Whether a feature is compared as numbers or as categories.</summary>
public enum FeatureKind
{
    Numeric,
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

    public string Name { get; }

    public FeatureKind Kind { get; }

    /// <summary>The values when <see cref="Kind"/> is <see cref="FeatureKind.Numeric"/>; NaN for missing.</summary>
    public double[]? Numbers { get; }

    /// <summary>The values when <see cref="Kind"/> is <see cref="FeatureKind.Categorical"/>; null for missing.</summary>
    public string?[]? Categories { get; }

    /// <summary>Rows, missing ones included.</summary>
    public int Count => Numbers?.Length ?? Categories!.Length;

    public static FeatureValues Numeric(string name, double[] values) => new(name, FeatureKind.Numeric, values, null);

    public static FeatureValues Categorical(string name, string?[] values) => new(name, FeatureKind.Categorical, null, values);
}
