using MathNet.Numerics;

namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// Pearson's chi-squared goodness-of-fit test as scipy's <c>scipy.stats.chisquare(f_obs, f_exp)</c>, and Evidently's
/// use of it for drift: observed = the current counts per category, expected = the reference counts scaled to the
/// current total.
/// </summary>
public static class ChiSquared
{
    /// <summary>
    /// χ² = Σ (observed − expected)² / expected with k − 1 degrees of freedom. A category expected 0 times but observed
    /// gives χ² = +∞ and p = 0 (scipy's result). With a single category the p-value is 1 (scipy gives NaN: zero degrees
    /// of freedom). NaN result when the spans are empty or of different lengths.
    /// </summary>
    public static StatisticalTestResult Test(ReadOnlySpan<double> observed, ReadOnlySpan<double> expected)
    {
        if (observed.IsEmpty || observed.Length != expected.Length)
        {
            return StatisticalTestResult.Undefined;
        }
        var statistic = 0.0;
        for (var i = 0; i < observed.Length; i++)
        {
            var difference = observed[i] - expected[i];
            statistic += difference * difference / expected[i];
        }
        if (observed.Length == 1)
        {
            return new StatisticalTestResult(statistic, 1.0);
        }
        return new StatisticalTestResult(statistic, Survival(statistic, observed.Length - 1));
    }

    /// <summary>
    /// Evidently's drift form over per-category counts (same category order in both spans): expected_i =
    /// reference_i · (current total ÷ reference total). NaN result when either total is zero.
    /// </summary>
    public static StatisticalTestResult TestCounts(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts)
    {
        if (referenceCounts.Length != currentCounts.Length)
        {
            return StatisticalTestResult.Undefined;
        }
        long referenceTotal = 0, currentTotal = 0;
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            referenceTotal += referenceCounts[i];
            currentTotal += currentCounts[i];
        }
        if (referenceTotal == 0 || currentTotal == 0)
        {
            return StatisticalTestResult.Undefined;
        }
        var scale = (double)currentTotal / referenceTotal;
        var observed = new double[currentCounts.Length];
        var expected = new double[currentCounts.Length];
        for (var i = 0; i < observed.Length; i++)
        {
            observed[i] = currentCounts[i];
            expected[i] = referenceCounts[i] * scale;
        }
        return Test(observed, expected);
    }

    /// <summary>The chi-squared survival function Q(k/2, x/2) (scipy's <c>chi2.sf</c>).</summary>
    public static double Survival(double x, int degreesOfFreedom)
    {
        if (double.IsNaN(x) || degreesOfFreedom <= 0)
        {
            return double.NaN;
        }
        if (double.IsPositiveInfinity(x))
        {
            return 0.0;
        }
        return x <= 0 ? 1.0 : SpecialFunctions.GammaUpperRegularized(degreesOfFreedom / 2.0, x / 2.0);
    }
}
