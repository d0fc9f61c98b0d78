using MathNet.Numerics;

namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// Evidently's two-proportions Z-test (<c>z_stat_test</c>) for binary categories: the first category in sorted order
/// counts as 0 and every other as 1; z = (p_ref − p_cur) / √(P(1 − P)(1/n_ref + 1/n_cur)) with the pooled share P, and
/// p = 2·(1 − Φ(|z|)).
/// </summary>
public static class ProportionsZTest
{
    /// <summary>
    /// Tests per-category counts given in sorted category order. When both samples hold one and the same single
    /// category, z = 0 and p = 1 (Evidently's rule). NaN result when either total is zero.
    /// </summary>
    public static StatisticalTestResult TestCounts(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts)
    {
        if (referenceCounts.IsEmpty || referenceCounts.Length != currentCounts.Length)
        {
            return StatisticalTestResult.Undefined;
        }
        long n1 = 0, n2 = 0;
        int referencePresent = 0, currentPresent = 0, referenceOnly = -1, currentOnly = -1;
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            n1 += referenceCounts[i];
            n2 += currentCounts[i];
            if (referenceCounts[i] > 0)
            {
                referencePresent++;
                referenceOnly = i;
            }
            if (currentCounts[i] > 0)
            {
                currentPresent++;
                currentOnly = i;
            }
        }
        if (n1 == 0 || n2 == 0)
        {
            return StatisticalTestResult.Undefined;
        }
        if (referencePresent == 1 && currentPresent == 1 && referenceOnly == currentOnly)
        {
            return new StatisticalTestResult(0.0, 1.0);
        }
        var p1 = (double)(n1 - referenceCounts[0]) / n1;
        var p2 = (double)(n2 - currentCounts[0]) / n2;
        var pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        var z = (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        return new StatisticalTestResult(z, 2 * (1 - NormalCdf(Math.Abs(z))));
    }

    /// <summary>The standard normal CDF Φ(x).</summary>
    public static double NormalCdf(double x) => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2));
}
