namespace Keel.Core.Monitoring.Statistics;

/// <summary>Drift of a numeric feature from its sorted, finite reference and current values.</summary>
internal static class NumericDrift
{
    public static FeatureDriftResult Evaluate(string feature, double[] reference, double[] current, DriftOptions? options)
    {
        var distinct = SortedSample.CountDistinct(reference, current, DriftDefaults.FewDistinctValues);
        var method = options?.Method ?? DriftDefaults.Choose(FeatureKind.Numeric, reference.Length, distinct);
        var edges = Binning.SturgesEdges(reference, current);
        var histogram = Histogram(edges, reference, current);
        if (reference.Length == 0 || current.Length == 0)
        {
            return FeatureDrift.Problem(feature, FeatureKind.Numeric, method, options, reference.Length, current.Length,
                reference.Length == 0 ? "The reference has no non-missing values." : "The current window has no non-missing values.", histogram);
        }
        double score;
        double? statistic = null;
        switch (method)
        {
            case DriftMethod.KolmogorovSmirnov:
                var ks = KolmogorovSmirnov.TwoSampleSorted(reference, current);
                (score, statistic) = (ks.PValue, ks.Statistic);
                break;
            case DriftMethod.Wasserstein:
                var distance = Wasserstein.DistanceSorted(reference, current);
                score = distance / Math.Max(SortedSample.StandardDeviation(reference), Wasserstein.MinimumNorm);
                statistic = distance;
                break;
            case DriftMethod.ChiSquared or DriftMethod.ZTest:
                return CategoricalDrift.Evaluate(feature, CategoryTable.FromSortedNumbers(reference, current), options, method) with
                {
                    Kind = FeatureKind.Numeric,
                    Histogram = histogram,
                };
            default:
                var (referenceShares, currentShares) = BinnedShares(reference, current, edges);
                score = CategoricalDrift.Distance(method, referenceShares, currentShares);
                break;
        }
        return FeatureDrift.Result(feature, FeatureKind.Numeric, method, options, reference.Length, current.Length, score, statistic, histogram);
    }

    /// <summary>Evidently's <c>get_binned_data</c> for numbers: Sturges bins when the reference has more than 20 distinct values, else one bin per value.</summary>
    private static (double[] Reference, double[] Current) BinnedShares(double[] reference, double[] current, double[] edges)
    {
        if (SortedSample.CountDistinct(reference, DriftDefaults.HistogramMinDistinct) > DriftDefaults.HistogramMinDistinct)
        {
            return (Binning.Shares(Binning.Counts(reference, edges), reference.Length), Binning.Shares(Binning.Counts(current, edges), current.Length));
        }
        var table = CategoryTable.FromSortedNumbers(reference, current);
        return (Binning.Shares(table.Reference, table.ReferenceTotal), Binning.Shares(table.Current, table.CurrentTotal));
    }

    private static HistogramBin[] Histogram(double[] edges, double[] reference, double[] current)
    {
        if (edges.Length < 2)
        {
            return [];
        }
        var referenceShares = Binning.Shares(Binning.Counts(reference, edges), reference.Length);
        var currentShares = Binning.Shares(Binning.Counts(current, edges), current.Length);
        var bins = new HistogramBin[edges.Length - 1];
        for (var i = 0; i < bins.Length; i++)
        {
            bins[i] = new HistogramBin(edges[i], edges[i + 1], null, referenceShares[i], currentShares[i]);
        }
        return bins;
    }
}
