namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// The first Wasserstein (earth mover's) distance between two samples, as scipy's
/// <c>scipy.stats.wasserstein_distance(u, v)</c> — the area between the two empirical CDFs — and Evidently's normed
/// form, divided by the reference's population standard deviation.
/// </summary>
public static class Wasserstein
{
    /// <summary>Evidently's floor on the normalising standard deviation, so a constant reference does not divide by zero.</summary>
    public const double MinimumNorm = 0.001;

    /// <summary>Distance between samples in any order; non-finite values are left out. NaN when either is then empty.</summary>
    public static double Distance(ReadOnlySpan<double> first, ReadOnlySpan<double> second) =>
        DistanceSorted(SortedSample.FiniteSorted(first), SortedSample.FiniteSorted(second));

    /// <summary>Distance between samples sorted ascending and free of NaN (not checked). NaN when either is empty.</summary>
    public static double DistanceSorted(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        int na = first.Length, nb = second.Length;
        if (na == 0 || nb == 0)
        {
            return double.NaN;
        }
        // One merge walk: between consecutive values the CDF gap is |i/na − j/nb|, kept as the integer |i·nb − j·na|.
        int i = 0, j = 0;
        var previous = Math.Min(first[0], second[0]);
        var total = 0.0;
        var block = 0.0;
        var inBlock = 0;
        while (i < na && j < nb)
        {
            double value;
            var weight = Math.Abs((long)i * nb - (long)j * na);
            if (first[i] <= second[j])
            {
                value = first[i++];
            }
            else
            {
                value = second[j++];
            }
            block += weight * (value - previous);
            previous = value;
            // Summing in blocks keeps the rounding error of a million terms near that of a thousand.
            if (++inBlock == 1024)
            {
                total += block;
                block = 0;
                inBlock = 0;
            }
        }
        total += block;
        // Past the end of one sample the other's values close the remaining gap one step at a time.
        block = 0;
        for (; i < na; i++)
        {
            block += Math.Abs((long)i * nb - (long)j * na) * (first[i] - previous);
            previous = first[i];
        }
        for (; j < nb; j++)
        {
            block += Math.Abs((long)i * nb - (long)j * na) * (second[j] - previous);
            previous = second[j];
        }
        total += block;
        return total / ((double)na * nb);
    }

    /// <summary>Evidently's normed distance: <see cref="Distance"/> ÷ max(std(reference), 0.001), std with ddof = 0.</summary>
    public static double Normed(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        var sortedReference = SortedSample.FiniteSorted(reference);
        return NormedSorted(sortedReference, SortedSample.FiniteSorted(current));
    }

    /// <summary><see cref="Normed"/> for samples sorted ascending and free of NaN.</summary>
    public static double NormedSorted(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        var norm = Math.Max(SortedSample.StandardDeviation(reference), MinimumNorm);
        return DistanceSorted(reference, current) / norm;
    }
}
