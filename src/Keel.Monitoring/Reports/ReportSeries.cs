using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.Reports;

/// <summary>The per-monitor time series and histograms of a report, from runs ordered oldest first.</summary>
internal static class ReportSeries
{
    /// <summary>
    /// Each feature's histogram from the newest run that has one. Features come in the newest run's order, then those
    /// only older runs saw, so a feature dropped from the monitor still shows its last distribution.
    /// </summary>
    public static IReadOnlyList<FeatureHistogram> Histograms(IReadOnlyList<MonitorRunResult> runs)
    {
        var histograms = new List<FeatureHistogram>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = runs.Count - 1; i >= 0; i--)
        {
            foreach (var feature in runs[i].Drift?.Features ?? [])
            {
                if (feature.Histogram.Count > 0 && seen.Add(feature.Feature))
                {
                    histograms.Add(new FeatureHistogram(feature.Feature, ReportNames.Kind(feature.Kind), runs[i].RunAt, feature.Histogram));
                }
            }
        }
        return histograms;
    }

    /// <summary>
    /// One series per feature and method (a monitor whose method changed gets two). Runs where the measure could not
    /// be computed, or is not finite (nothing to plot), leave a gap.
    /// </summary>
    public static IReadOnlyList<DriftScoreSeries> DriftScores(IReadOnlyList<MonitorRunResult> runs)
    {
        var points = new Dictionary<(string Feature, DriftMethod Method), List<(DriftPoint Point, double Threshold)>>();
        foreach (var run in runs)
        {
            foreach (var feature in run.Drift?.Features ?? [])
            {
                var value = ReportNames.IsTest(feature.Method) ? feature.PValue : feature.Score;
                if (value is not { } measured || !double.IsFinite(measured))
                {
                    continue;
                }
                var key = (feature.Feature, feature.Method);
                if (!points.TryGetValue(key, out var list))
                {
                    points[key] = list = [];
                }
                list.Add((new DriftPoint(run.RunAt, measured, feature.Drifted), feature.Threshold));
            }
        }
        return OrderNewestFirst(runs, points.Keys)
            .Select(key => new DriftScoreSeries(key.Feature, ReportNames.Method(key.Method), ReportNames.IsTest(key.Method) ? "p_value" : "score",
                points[key][^1].Threshold, points[key].Select(p => p.Point).ToList()))
            .ToList();
    }

    /// <summary>Each metric measured in any run, by name, with the newest baseline recorded for it.</summary>
    public static IReadOnlyList<QualityMetricSeries> Quality(IReadOnlyList<MonitorRunResult> runs)
    {
        var withQuality = runs.Where(r => r.Quality is not null).ToList();
        return withQuality.SelectMany(r => r.Quality!.Current.Keys)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(metric => new QualityMetricSeries(
                metric,
                withQuality.LastOrDefault(r => r.Quality!.Baseline.ContainsKey(metric))?.Quality!.Baseline[metric],
                withQuality.Where(r => r.Quality!.Current.TryGetValue(metric, out var v) && double.IsFinite(v))
                    .Select(r => new TimePoint(r.RunAt, r.Quality!.Current[metric]))
                    .ToList()))
            .ToList();
    }

    public static ServingSeries Serving(IReadOnlyList<MonitorRunResult> runs) => new(
        runs.Select(r => new TimePoint(r.RunAt, r.Serving.Requests)).ToList(),
        runs.Select(r => new TimePoint(r.RunAt, r.Serving.ErrorRate)).ToList(),
        runs.Where(r => r.Serving.P50LatencyMs is not null).Select(r => new TimePoint(r.RunAt, r.Serving.P50LatencyMs!.Value)).ToList(),
        runs.Where(r => r.Serving.P99LatencyMs is not null).Select(r => new TimePoint(r.RunAt, r.Serving.P99LatencyMs!.Value)).ToList());

    // The newest run's feature order first, then features seen only in older runs.
    private static List<(string Feature, DriftMethod Method)> OrderNewestFirst(
        IReadOnlyList<MonitorRunResult> runs, IEnumerable<(string Feature, DriftMethod Method)> keys)
    {
        var wanted = keys.ToHashSet();
        var ordered = new List<(string Feature, DriftMethod Method)>();
        for (var i = runs.Count - 1; i >= 0; i--)
        {
            foreach (var feature in runs[i].Drift?.Features ?? [])
            {
                if (wanted.Remove((feature.Feature, feature.Method)))
                {
                    ordered.Add((feature.Feature, feature.Method));
                }
            }
        }
        return ordered;
    }
}
