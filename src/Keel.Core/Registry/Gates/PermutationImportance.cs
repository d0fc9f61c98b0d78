namespace Keel.Core.Registry.Gates;

/// <summary>One feature's permutation importance: the mean and (population) standard deviation over the repeats.</summary>
public sealed record FeatureImportance(string Feature, double Mean, double Std, IReadOnlyList<double> Repeats);

/// <summary>Permutation importance of a model on one table: the metric on the intact data and each feature's importance, most important first.</summary>
public sealed record ImportanceResult(string Metric, int Repeats, int Seed, double Baseline, IReadOnlyList<FeatureImportance> Features);

/// <summary>
/// Permutation feature importance (Breiman; scikit-learn's <c>permutation_importance</c>): each feature's column is
/// shuffled, the model re-scored, and the importance is how much the metric got worse — baseline − permuted for a
/// metric where higher is better, permuted − baseline for an error metric — so a feature the model ignores scores
/// about 0 and a positive number always means "the model relies on it". Shuffles come from one seeded generator, so
/// the same seed, features and scorer give the same result.
/// </summary>
public static class PermutationImportance
{
    /// <summary>
    /// Computes importances; <paramref name="score"/> is called with (null, null) once for the baseline, then with a
    /// feature and a permutation of the rows (row i takes that feature's value from row permutation[i]).
    /// </summary>
    public static ImportanceResult Compute(
        IReadOnlyList<string> features, int rows, string metric, int repeats, int seed, Func<string?, int[]?, double> score)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(score);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var baseline = score(null, null);
        var sign = GateMetrics.HigherIsBetter(metric) ? 1 : -1;
#pragma warning disable CA5394 // A seeded, reproducible shuffle is the point; nothing here is secret.
        var random = new Random(seed);
        var results = new List<FeatureImportance>(features.Count);
        foreach (var feature in features)
        {
            var drops = new double[repeats];
            for (var r = 0; r < repeats; r++)
            {
                var permutation = Enumerable.Range(0, rows).ToArray();
                random.Shuffle(permutation);
                drops[r] = sign * (baseline - score(feature, permutation));
            }
            var mean = drops.Average();
            var std = Math.Sqrt(drops.Sum(d => (d - mean) * (d - mean)) / drops.Length);
            results.Add(new FeatureImportance(feature, mean, std, drops));
        }
#pragma warning restore CA5394
        var ordered = results
            .OrderBy(f => double.IsNaN(f.Mean) ? 1 : 0)
            .ThenByDescending(f => double.IsNaN(f.Mean) ? 0 : f.Mean)
            .ThenBy(f => f.Feature, StringComparer.Ordinal)
            .ToList();
        return new ImportanceResult(metric, repeats, seed, baseline, ordered);
    }
}
