namespace Keel.Core.Data.Validation;

/// <summary>
/// Distances between a reference and a current distribution given as counts over the same buckets (histogram bins
/// or categories).
/// </summary>
public static class DistributionDistance
{
    /// <summary>
    /// The share an empty bucket is given by <see cref="Psi"/>, whose logarithm has no value at zero; Evidently uses
    /// the same 0.0001.
    /// </summary>
    public const double Epsilon = 1e-4;

    /// <summary>
    /// Population stability index, Σ (c−r)·ln(c/r) over bucket shares r (reference) and c (current), each share at
    /// least <see cref="Epsilon"/>. 0 for identical distributions; above 0.2 is commonly read as a major shift.
    /// NaN when either side is empty.
    /// </summary>
    public static double Psi(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        var (r, c) = Shares(reference, current);
        if (r is null || c is null)
        {
            return double.NaN;
        }

        var psi = 0.0;
        for (var i = 0; i < r.Length; i++)
        {
            var ri = Math.Max(r[i], Epsilon);
            var ci = Math.Max(c[i], Epsilon);
            psi += (ci - ri) * Math.Log(ci / ri);
        }
        return psi;
    }

    /// <summary>
    /// Jensen–Shannon distance with base-2 logarithms: the square root of the divergence, 0 for identical and 1 for
    /// disjoint distributions; empty buckets need no epsilon. NaN when either side is empty.
    /// </summary>
    public static double JensenShannon(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        var (r, c) = Shares(reference, current);
        if (r is null || c is null)
        {
            return double.NaN;
        }

        var divergence = 0.0;
        for (var i = 0; i < r.Length; i++)
        {
            var m = (r[i] + c[i]) / 2;
            divergence += (Term(r[i], m) + Term(c[i], m)) / 2;
        }
        return Math.Sqrt(Math.Clamp(divergence, 0, 1));
    }

    private static double Term(double p, double m) => p == 0 ? 0 : p * Math.Log2(p / m);

    private static (double[]? Reference, double[]? Current) Shares(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.Count != current.Count)
        {
            throw new ArgumentException($"Both distributions need the same buckets, not {reference.Count} and {current.Count}.", nameof(current));
        }
        return (Normalize(reference), Normalize(current));
    }

    private static double[]? Normalize(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        return total <= 0 ? null : [.. counts.Select(c => c / total)];
    }
}
