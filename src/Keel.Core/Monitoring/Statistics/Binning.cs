namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// Evidently's binning for the distance statistics (<c>get_binned_data</c>): numeric values into Sturges' bins over
/// reference ∪ current (numpy's <c>histogram_bin_edges(…, bins="sturges")</c> and <c>histogram</c>), shares of each
/// sample per bin, and the replacement of empty bins for PSI and K–L divergence.
/// </summary>
public static class Binning
{
    /// <summary>The share Evidently gives an empty bin, unless a non-empty bin is already smaller.</summary>
    public const double EmptyBinShare = 0.0001;

    /// <summary>
    /// Bin edges by Sturges' rule over two sorted, NaN-free samples taken together, exactly as numpy computes them:
    /// width = (max − min) / (log2(n) + 1), ⌈(max − min) / width⌉ equal bins, edges from <c>linspace</c>. A constant
    /// union gets one bin [value − 0.5, value + 0.5]. Empty when both samples are empty.
    /// </summary>
    public static double[] SturgesEdges(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        var n = sortedA.Length + sortedB.Length;
        if (n == 0)
        {
            return [];
        }
        var min = Math.Min(sortedA.IsEmpty ? double.PositiveInfinity : sortedA[0], sortedB.IsEmpty ? double.PositiveInfinity : sortedB[0]);
        var max = Math.Max(sortedA.IsEmpty ? double.NegativeInfinity : sortedA[^1], sortedB.IsEmpty ? double.NegativeInfinity : sortedB[^1]);
        double first = min, last = max;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }
        var width = (max - min) / (Math.Log2(n) + 1.0);
        var bins = width != 0 ? (int)Math.Ceiling((last - first) / width) : 1;
        var edges = new double[bins + 1];
        var step = (last - first) / bins;
        for (var i = 0; i < bins; i++)
        {
            edges[i] = i * step + first;
        }
        edges[bins] = last;
        return edges;
    }

    /// <summary>
    /// Counts of a sorted sample per bin, numpy's rule: [e_i, e_i+1) except the last bin, which includes its upper
    /// edge; values outside the edges are not counted.
    /// </summary>
    public static long[] Counts(ReadOnlySpan<double> sorted, ReadOnlySpan<double> edges)
    {
        if (edges.Length < 2)
        {
            return [];
        }
        var counts = new long[edges.Length - 1];
        var previous = SortedSample.LowerBound(sorted, edges[0]);
        for (var i = 1; i < edges.Length; i++)
        {
            var next = i == edges.Length - 1 ? SortedSample.UpperBound(sorted, edges[i]) : SortedSample.LowerBound(sorted, edges[i]);
            counts[i - 1] = next - previous;
            previous = next;
        }
        return counts;
    }

    /// <summary>Counts divided by <paramref name="total"/> (Evidently divides by the sample size).</summary>
    public static double[] Shares(ReadOnlySpan<long> counts, long total)
    {
        var shares = new double[counts.Length];
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = total == 0 ? 0.0 : counts[i] / (double)total;
        }
        return shares;
    }

    /// <summary>
    /// Evidently's <c>feel_zeroes</c>, in place: every zero share becomes 0.0001, or the smallest non-zero share ÷ 10⁶
    /// when that is ≤ 0.0001, so logarithms of shares stay finite. Shares that are all zero become 0.0001.
    /// </summary>
    public static void FillEmptyBins(Span<double> shares)
    {
        var smallest = double.PositiveInfinity;
        foreach (var share in shares)
        {
            if (share != 0 && share < smallest)
            {
                smallest = share;
            }
        }
        var fill = smallest <= EmptyBinShare ? smallest / 1e6 : EmptyBinShare;
        for (var i = 0; i < shares.Length; i++)
        {
            if (shares[i] == 0)
            {
                shares[i] = fill;
            }
        }
    }
}
