namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// The two-sample Kolmogorov–Smirnov test, two-sided, with the statistic and p-value of scipy's
/// <c>scipy.stats.ks_2samp(a, b, method="auto")</c>: exact lattice-path p-values when both samples have at most
/// 10,000 values, otherwise (or when the exact computation fails) the one-sample Kolmogorov distribution with
/// n = round(n1·n2 / (n1 + n2)).
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>Largest sample size for which the exact p-value is attempted (scipy's <c>MAX_AUTO_N</c>).</summary>
    public const int MaxExactSize = 10_000;

    /// <summary>Tests two samples in any order; non-finite values are left out. NaN result when either is then empty.</summary>
    public static StatisticalTestResult TwoSample(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        var a = SortedSample.FiniteSorted(first);
        var b = SortedSample.FiniteSorted(second);
        return TwoSampleSorted(a, b);
    }

    /// <summary>Tests two samples already sorted ascending and free of NaN (not checked). NaN result when either is empty.</summary>
    public static StatisticalTestResult TwoSampleSorted(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        var n1 = first.Length;
        var n2 = second.Length;
        if (n1 == 0 || n2 == 0)
        {
            return StatisticalTestResult.Undefined;
        }
        // D·n1·n2 as an exact integer: the ECDF difference after each distinct value is (i·n2 − j·n1)/(n1·n2).
        var scaled = MaxScaledDifference(first, second);
        var g = GreatestCommonDivisor(n1, n2);
        if (Math.Max(n1, n2) <= MaxExactSize)
        {
            var lcm = (long)(n1 / g) * n2;
            var h = scaled / g;
            var d = h * 1.0 / lcm;
            if (h == 0)
            {
                return new StatisticalTestResult(d, 1.0);
            }
            if (TwoSampleKolmogorovExact.TryPValue(n1, n2, g, h, out var exact))
            {
                return new StatisticalTestResult(d, exact);
            }
            return Asymptotic(n1, n2, d);
        }
        return Asymptotic(n1, n2, (double)scaled / ((double)n1 * n2));
    }

    private static StatisticalTestResult Asymptotic(int n1, int n2, double d)
    {
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        var effective = Math.Round(m * n / (m + n), MidpointRounding.ToEven);
        var p = KolmogorovDistribution.Survival((int)effective, d);
        return new StatisticalTestResult(d, Math.Clamp(p, 0.0, 1.0));
    }

    internal static long MaxScaledDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        long n1 = a.Length, n2 = b.Length;
        int i = 0, j = 0;
        long max = 0;
        while (i < a.Length && j < b.Length)
        {
            var value = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= value)
            {
                i++;
            }
            while (j < b.Length && b[j] <= value)
            {
                j++;
            }
            max = Math.Max(max, Math.Abs(i * n2 - j * n1));
        }
        // Past the end of one sample the difference only shrinks towards 0, so the maximum is already found.
        return max;
    }

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
