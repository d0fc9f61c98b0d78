namespace Keel.Core.Monitoring.Statistics;

/// <summary>Drift of a feature compared as categories, from its per-category counts.</summary>
internal static class CategoricalDrift
{
    public static FeatureDriftResult Evaluate(string feature, CategoryTable table, DriftOptions? options, DriftMethod? chosen = null)
    {
        var method = chosen ?? options?.Method ?? DriftDefaults.Choose(FeatureKind.Categorical, (int)table.ReferenceTotal, table.Count);
        var histogram = Histogram(table);
        int referenceCount = (int)table.ReferenceTotal, currentCount = (int)table.CurrentTotal;
        if (referenceCount == 0 || currentCount == 0)
        {
            return FeatureDrift.Problem(feature, FeatureKind.Categorical, method, options, referenceCount, currentCount,
                referenceCount == 0 ? "The reference has no non-missing values." : "The current window has no non-missing values.", histogram);
        }
        double score;
        double? statistic = null;
        switch (method)
        {
            case DriftMethod.KolmogorovSmirnov or DriftMethod.Wasserstein:
                return FeatureDrift.Problem(feature, FeatureKind.Categorical, method, options, referenceCount, currentCount,
                    $"{method} needs numeric values but this feature is compared as categories.", histogram);
            case DriftMethod.ChiSquared:
                var chi = ChiSquared.TestCounts(table.Reference, table.Current);
                (score, statistic) = (chi.PValue, chi.Statistic);
                break;
            case DriftMethod.ZTest:
                var z = ProportionsZTest.TestCounts(table.Reference, table.Current);
                (score, statistic) = (z.PValue, z.Statistic);
                break;
            default:
                score = Distance(method, Binning.Shares(table.Reference, table.ReferenceTotal), Binning.Shares(table.Current, table.CurrentTotal));
                break;
        }
        return FeatureDrift.Result(feature, FeatureKind.Categorical, method, options, referenceCount, currentCount, score, statistic, histogram);
    }

    /// <summary>Jensen–Shannon on raw shares; PSI and K–L after Evidently's empty-bin replacement.</summary>
    public static double Distance(DriftMethod method, double[] referenceShares, double[] currentShares)
    {
        if (method == DriftMethod.JensenShannon)
        {
            return Divergence.JensenShannon(referenceShares, currentShares);
        }
        Binning.FillEmptyBins(referenceShares);
        Binning.FillEmptyBins(currentShares);
        return method == DriftMethod.Psi
            ? Divergence.PopulationStabilityIndex(referenceShares, currentShares)
            : Divergence.KullbackLeibler(referenceShares, currentShares);
    }

    private static HistogramBin[] Histogram(CategoryTable table)
    {
        var bins = new HistogramBin[table.Count];
        for (var i = 0; i < bins.Length; i++)
        {
            bins[i] = new HistogramBin(null, null, table.Labels[i],
                table.ReferenceTotal == 0 ? 0 : table.Reference[i] / (double)table.ReferenceTotal,
                table.CurrentTotal == 0 ? 0 : table.Current[i] / (double)table.CurrentTotal);
        }
        return bins;
    }
}
