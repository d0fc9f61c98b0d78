namespace Keel.Core.Monitoring.Statistics;

/// <summary>The drift statistics Keel computes. Defaults follow Evidently (see <see cref="DriftOptions"/>).</summary>
public enum DriftMethod
{
    /// <summary>Two-sample Kolmogorov–Smirnov, p-value as scipy's ks_2samp; drift when p &lt; threshold.</summary>
    KolmogorovSmirnov,

    /// <summary>Pearson's chi-squared on category counts; drift when p &lt; threshold.</summary>
    ChiSquared,

    /// <summary>Two-proportions Z-test for binary categories; drift when p &lt; threshold.</summary>
    ZTest,

    /// <summary>Wasserstein-1 distance divided by the reference's standard deviation; drift when ≥ threshold.</summary>
    Wasserstein,

    /// <summary>Jensen–Shannon distance (natural logarithm, as scipy's jensenshannon by default); drift when ≥ threshold.</summary>
    JensenShannon,

    /// <summary>Population stability index; drift when ≥ threshold.</summary>
    Psi,

    /// <summary>Kullback–Leibler divergence of current from reference; drift when ≥ threshold.</summary>
    KullbackLeibler,
}

/// <summary>Per-feature overrides; null members take Evidently's defaults.</summary>
/// <param name="Method">The statistic; null chooses by reference size and feature kind.</param>
/// <param name="Threshold">The drift threshold for that statistic; null takes the method's default.</param>
/// <param name="Kind">Force numeric or categorical handling; null infers it.</param>
public sealed record DriftOptions(DriftMethod? Method = null, double? Threshold = null, FeatureKind? Kind = null);

/// <summary>One bar pair of a reference-vs-current histogram: a numeric bin [Lower, Upper) or a category.</summary>
public sealed record HistogramBin(double? Lower, double? Upper, string? Category, double ReferenceShare, double CurrentShare);

/// <summary>
/// The drift verdict for one feature. <see cref="Problem"/> is non-null (and <see cref="Drifted"/> false,
/// <see cref="Score"/> null) when the test could not be computed — e.g. an empty window or an all-null column;
/// the text says why in one sentence.
/// </summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Kind">How the feature was compared (numeric features with few distinct values are tested as categories but keep Numeric here).</param>
/// <param name="Method">The statistic used.</param>
/// <param name="Score">Evidently's drift score: the p-value for KS, chi-squared and Z; the distance for the others.</param>
/// <param name="PValue">The p-value for the hypothesis tests, null for distances.</param>
/// <param name="Threshold">Drift when Score &lt; Threshold (tests) or Score ≥ Threshold (distances).</param>
/// <param name="Drifted">Whether the feature drifted.</param>
/// <param name="ReferenceCount">Non-missing reference values used.</param>
/// <param name="CurrentCount">Non-missing current values used.</param>
/// <param name="Problem">Why nothing could be computed, or null.</param>
/// <param name="Histogram">Reference vs current shares: Sturges bins over reference ∪ current for numeric features, one bin per category otherwise.</param>
public sealed record FeatureDriftResult(
    string Feature,
    FeatureKind Kind,
    DriftMethod Method,
    double? Score,
    double? PValue,
    double Threshold,
    bool Drifted,
    int ReferenceCount,
    int CurrentCount,
    string? Problem,
    IReadOnlyList<HistogramBin> Histogram)
{
    /// <summary>
    /// The test statistic or raw distance behind <see cref="Score"/>: D for KS, χ² for chi-squared, z for the Z-test,
    /// the un-normed Wasserstein-1 distance; null for JS, PSI and K–L (the score is the distance) and when not finite
    /// (χ² is +∞ when the current window has a category the reference never had).
    /// </summary>
    public double? Statistic { get; init; }
}

/// <summary>Dataset drift: the share of computed features that drifted against a threshold (Evidently's 0.5 by default).</summary>
public sealed record DatasetDriftResult(IReadOnlyList<FeatureDriftResult> Features, double DriftedShare, double ShareThreshold, bool DatasetDrift);
