namespace Keel.Core.Monitoring.Statistics;

/// <summary>A test statistic and its p-value (NaN for both when the test cannot be computed, e.g. an empty sample).</summary>
/// <param name="Statistic">The test statistic (D for Kolmogorov–Smirnov, χ² for chi-squared, z for the Z-test).</param>
/// <param name="PValue">The two-sided p-value in [0, 1].</param>
public readonly record struct StatisticalTestResult(double Statistic, double PValue)
{
    internal static StatisticalTestResult Undefined => new(double.NaN, double.NaN);
}
