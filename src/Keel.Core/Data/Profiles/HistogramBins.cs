namespace Keel.Core.Data.Profiles;

/// <summary>
/// Equal-width histogram bins over [min, max]. The bin count follows Sturges' rule, ceil(log2 n) + 1, as numpy's
/// <c>"sturges"</c> estimator (and so Evidently) chooses it; a column holding one distinct value gets one bin.
/// </summary>
public static class HistogramBins
{
    /// <summary>Sturges' bin count for <paramref name="count"/> values: 1 for none or one.</summary>
    public static int SturgesCount(long count) => count <= 1 ? 1 : (int)Math.Ceiling(Math.Log2(count)) + 1;

    /// <summary>bins + 1 edges from <paramref name="min"/> to <paramref name="max"/> (both exact), equally spaced.</summary>
    public static double[] Edges(double min, double max, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (min == max)
        {
            return [min, max];
        }

        // Dividing before subtracting keeps the width finite even for max - min beyond double's range.
        var width = (max / bins) - (min / bins);
        var edges = new double[bins + 1];
        for (var i = 0; i < bins; i++)
        {
            edges[i] = min + (i * width);
        }
        edges[bins] = max;
        return edges;
    }

    /// <summary>
    /// The bin of <paramref name="value"/>: bin i holds [edges[i], edges[i+1]), the last bin also its upper edge.
    /// -1 below the first edge, the bin count above the last one.
    /// </summary>
    public static int IndexOf(IReadOnlyList<double> edges, double value)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var bins = edges.Count - 1;
        if (value < edges[0])
        {
            return -1;
        }
        if (value > edges[bins])
        {
            return bins;
        }

        // The largest i with edges[i] <= value, by binary search: a few dozen edges, a few comparisons.
        int lo = 0, hi = bins;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (edges[mid] <= value)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return Math.Min(lo, bins - 1);
    }
}
