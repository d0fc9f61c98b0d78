namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// Distances between two binned distributions (same bins, same order), natural logarithms throughout, as scipy and
/// Evidently compute them. Inputs are shares (or counts for the normalising ones); NaN when lengths differ or empty.
/// </summary>
public static class Divergence
{
    /// <summary>
    /// Jensen–Shannon distance, scipy's <c>scipy.spatial.distance.jensenshannon(p, q)</c>: both normalised to sum 1,
    /// m = (p + q)/2, √((KL(p‖m) + KL(q‖m)) / 2). Zero shares need no replacement. In [0, √ln 2].
    /// </summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.IsEmpty || p.Length != q.Length)
        {
            return double.NaN;
        }
        var pSum = Sum(p);
        var qSum = Sum(q);
        double left = 0, right = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i] / pSum;
            var qi = q[i] / qSum;
            var m = (pi + qi) / 2.0;
            left += RelativeEntropy(pi, m);
            right += RelativeEntropy(qi, m);
        }
        // Rounding can leave a hair below zero for identical inputs, where scipy's sqrt would give NaN.
        return Math.Sqrt(Math.Max(0.0, (left + right) / 2.0));
    }

    /// <summary>
    /// Population stability index, Evidently's <c>psi</c>: Σ (r_i − c_i)·ln(r_i / c_i) over shares whose empty bins
    /// were already replaced (<see cref="Binning.FillEmptyBins"/>); infinite if a share is still zero.
    /// </summary>
    public static double PopulationStabilityIndex(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        if (reference.IsEmpty || reference.Length != current.Length)
        {
            return double.NaN;
        }
        var psi = 0.0;
        for (var i = 0; i < reference.Length; i++)
        {
            psi += (reference[i] - current[i]) * Math.Log(reference[i] / current[i]);
        }
        return psi;
    }

    /// <summary>
    /// Kullback–Leibler divergence KL(reference ‖ current), scipy's <c>scipy.stats.entropy(pk, qk)</c>: both normalised
    /// to sum 1, Σ p_i·ln(p_i / q_i). Evidently passes shares with empty bins replaced; +∞ if q_i = 0 &lt; p_i.
    /// </summary>
    public static double KullbackLeibler(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        if (reference.IsEmpty || reference.Length != current.Length)
        {
            return double.NaN;
        }
        var pSum = Sum(reference);
        var qSum = Sum(current);
        var divergence = 0.0;
        for (var i = 0; i < reference.Length; i++)
        {
            divergence += RelativeEntropy(reference[i] / pSum, current[i] / qSum);
        }
        return divergence;
    }

    /// <summary>scipy's <c>rel_entr</c>: x·ln(x/y), 0 when x = 0, +∞ when y = 0 &lt; x.</summary>
    private static double RelativeEntropy(double x, double y)
    {
        if (double.IsNaN(x) || double.IsNaN(y))
        {
            return double.NaN;
        }
        if (x > 0 && y > 0)
        {
            return x * Math.Log(x / y);
        }
        return x == 0 && y >= 0 ? 0.0 : double.PositiveInfinity;
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }
        return sum;
    }
}
