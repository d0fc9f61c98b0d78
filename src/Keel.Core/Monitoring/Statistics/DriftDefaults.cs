namespace Keel.Core.Monitoring.Statistics;

/// <summary>Evidently's default choice of drift statistic and thresholds.</summary>
public static class DriftDefaults
{
    /// <summary>References with at most this many non-missing rows get hypothesis tests; larger ones get distances.</summary>
    public const int SmallReferenceRows = 1000;

    /// <summary>Numeric features with at most this many distinct values (reference ∪ current) are tested as categories.</summary>
    public const int FewDistinctValues = 5;

    /// <summary>Numeric features whose reference has more distinct values than this are binned by Sturges' rule for JS, PSI and K–L.</summary>
    public const int HistogramMinDistinct = 20;

    /// <summary>Default threshold of the tests (KS, chi-squared, Z): drift when p &lt; 0.05.</summary>
    public const double PValueThreshold = 0.05;

    /// <summary>Default threshold of the distances (Wasserstein normed, Jensen–Shannon, PSI, K–L): drift when ≥ 0.1.</summary>
    public const double DistanceThreshold = 0.1;

    /// <summary>Whether the method yields a p-value (drift below the threshold) rather than a distance (drift at or above it).</summary>
    public static bool IsHypothesisTest(DriftMethod method) =>
        method is DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquared or DriftMethod.ZTest;

    /// <summary>The default threshold of a method.</summary>
    public static double Threshold(DriftMethod method) => IsHypothesisTest(method) ? PValueThreshold : DistanceThreshold;

    /// <summary>
    /// Evidently's <c>get_default_stattest</c>: reference ≤ 1000 rows → KS for numeric with &gt; 5 distinct values,
    /// otherwise chi-squared (Z-test with ≤ 2 distinct values); larger references → normed Wasserstein for numeric
    /// with &gt; 5 distinct values, otherwise Jensen–Shannon.
    /// </summary>
    /// <param name="kind">How the feature is compared.</param>
    /// <param name="referenceRows">Non-missing reference rows.</param>
    /// <param name="distinctValues">Distinct non-missing values of reference ∪ current (counting may stop past 5).</param>
    public static DriftMethod Choose(FeatureKind kind, int referenceRows, int distinctValues)
    {
        var fewValues = kind == FeatureKind.Categorical || distinctValues <= FewDistinctValues;
        if (referenceRows <= SmallReferenceRows)
        {
            return !fewValues ? DriftMethod.KolmogorovSmirnov : distinctValues > 2 ? DriftMethod.ChiSquared : DriftMethod.ZTest;
        }
        return fewValues ? DriftMethod.JensenShannon : DriftMethod.Wasserstein;
    }
}
