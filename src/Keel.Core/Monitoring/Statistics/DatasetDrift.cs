namespace Keel.Core.Monitoring.Statistics;

/// <summary>Dataset drift from per-feature results, as Evidently's share of drifted columns.</summary>
public static class DatasetDrift
{
    /// <summary>Evidently's default share of drifted features at which the dataset counts as drifted.</summary>
    public const double DefaultShareThreshold = 0.5;

    /// <summary>
    /// Share of drifted features among those without a <see cref="FeatureDriftResult.Problem"/>; dataset drift when
    /// the share ≥ <paramref name="shareThreshold"/>. With no computable feature the share is 0 and there is no drift.
    /// </summary>
    public static DatasetDriftResult Evaluate(IReadOnlyList<FeatureDriftResult> features, double shareThreshold = DefaultShareThreshold)
    {
        ArgumentNullException.ThrowIfNull(features);
        int computed = 0, drifted = 0;
        foreach (var feature in features)
        {
            if (feature.Problem is null)
            {
                computed++;
                if (feature.Drifted)
                {
                    drifted++;
                }
            }
        }
        var share = computed == 0 ? 0.0 : (double)drifted / computed;
        return new DatasetDriftResult(features, share, shareThreshold, computed > 0 && share >= shareThreshold);
    }
}
