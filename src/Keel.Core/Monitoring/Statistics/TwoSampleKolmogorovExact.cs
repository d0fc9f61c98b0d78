namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// Exact two-sided p-values of the two-sample Kolmogorov–Smirnov statistic by lattice-path counting (Hodges 1958),
/// as scipy's <c>_attempt_exact_2kssamp</c>: the equal-size formula, or the "inside" recursion kept as 1 − p
/// (Viehmann 2021) for unequal sizes.
/// </summary>
internal static class TwoSampleKolmogorovExact
{
    /// <summary>Pr(D ≥ h/lcm) for sizes n1, n2 with gcd g; false when the computation left [0, 1].</summary>
    public static bool TryPValue(int n1, int n2, long g, long h, out double p)
    {
        p = n1 == n2 ? ProbabilityOutsideSquare(n1, h) : ProbabilityOutsideBand(n1, n2, g, h);
        return p is >= 0 and <= 1;
    }

    // Pr(D_{n,n} >= h/n) = 2 * (C(2n, n-h) - C(2n, n-2h) + ...) / C(2n, n), summed Horner-like from the last term
    // so that the alternating series does not cancel.
    private static double ProbabilityOutsideSquare(long n, long h)
    {
        var p = 0.0;
        for (var k = n / h; k >= 0; k--)
        {
            var term = 1.0;
            for (long j = 0; j < h; j++)
            {
                term = (n - k * h - j) * term / (n + k * h + j + 1);
            }
            p = term * (1.0 - p);
        }
        return 2 * p;
    }

    // Lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm, as a share of all paths; one
    // sliding column of the path-count matrix, each entry already divided by the binomial so nothing overflows.
    private static double ProbabilityOutsideBand(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }
        var mg = m / g;
        var ng = n / g;
        long minJ = 0;
        var maxJ = Math.Min((long)Math.Ceiling((double)h / mg), n + 1);
        var currentLength = maxJ - minJ;
        var length = (int)Math.Min(2 * maxJ + 2, n + 1);
        var column = new double[length];
        Array.Fill(column, 1.0);
        for (var j = minJ; j < Math.Min(maxJ, length); j++)
        {
            column[j] = 0.0;
        }
        for (long i = 1; i <= m; i++)
        {
            var lastMinJ = minJ;
            var lastLength = currentLength;
            minJ = Math.Max((long)Math.Floor((double)(ng * i - h) / mg) + 1, 0);
            minJ = Math.Min(minJ, n);
            maxJ = Math.Min((long)Math.Ceiling((double)(ng * i + h) / mg), n + 1);
            if (maxJ <= minJ)
            {
                return 1.0;
            }
            var value = minJ == 0 ? 0.0 : 1.0;
            var shift = minJ - lastMinJ;
            for (long jj = 0; jj < maxJ - minJ; jj++)
            {
                var j = jj + minJ;
                value = (column[jj + shift] * i + value * j) / (i + j);
                column[jj] = value;
            }
            currentLength = maxJ - minJ;
            if (lastLength > currentLength)
            {
                var end = Math.Min(maxJ - minJ + (lastLength - currentLength), length);
                for (var j = maxJ - minJ; j < end; j++)
                {
                    column[j] = 1.0;
                }
            }
        }
        return column[maxJ - minJ - 1];
    }
}
