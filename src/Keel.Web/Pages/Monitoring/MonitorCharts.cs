using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;
using Keel.Web.Pages.Datasets;

namespace Keel.Web.Pages.Monitoring;

/// <summary>Turns a monitor's results (oldest first) into the page's chart data: one point per result.</summary>
public static class MonitorCharts
{
    public static TimeSeriesChart DriftShare(IReadOnlyList<MonitorRunResult> results, MonitorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(spec);
        return Chart(results, [new ChartSeries("drifted share", results.Select(r => r.Drift?.DriftedShare).ToArray())],
            results.LastOrDefault(r => r.Drift is not null)?.Drift?.ShareThreshold ?? spec.DriftShareThreshold);
    }

    /// <summary>
    /// The features to show: the spec's list when it names them, else those of the newest result; then any others seen
    /// earlier (a feature dropped from the log still has history).
    /// </summary>
    public static IReadOnlyList<FeatureView> Features(IReadOnlyList<MonitorRunResult> results, MonitorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(spec);
        var names = new List<string>(spec.Features);
        foreach (var result in results.Reverse())
        {
            names.AddRange((result.Drift?.Features ?? []).Select(f => f.Feature));
        }
        return names.Distinct(StringComparer.Ordinal).Select(name => Feature(name, results)).ToArray();
    }

    public static IReadOnlyList<(string Metric, TimeSeriesChart Chart)> Quality(IReadOnlyList<MonitorRunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var metrics = results.SelectMany(r => r.Quality?.Current.Keys ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return metrics.Select(metric => (metric, Chart(results,
        [
            new ChartSeries("current", results.Select(r => Value(r.Quality?.Current, metric)).ToArray()),
            new ChartSeries("baseline (at registration)", results.Select(r => Value(r.Quality?.Baseline, metric)).ToArray()),
        ], null))).ToArray();
    }

    public static TimeSeriesChart Latency(IReadOnlyList<MonitorRunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return Chart(results,
        [
            new ChartSeries("p50 ms", results.Select(r => r.Serving.P50LatencyMs).ToArray()),
            new ChartSeries("p99 ms", results.Select(r => r.Serving.P99LatencyMs).ToArray()),
        ], null);
    }

    private static FeatureView Feature(string name, IReadOnlyList<MonitorRunResult> results)
    {
        var points = results.Select(r => r.Drift?.Features.FirstOrDefault(f => f.Feature == name)).ToArray();
        var latest = points.LastOrDefault(p => p is not null);
        var scores = Chart(results, [new ChartSeries("score", points.Select(p => p?.Score).ToArray())], latest?.Threshold);
        if (latest is not { Histogram.Count: > 0 })
        {
            return new FeatureView(name, latest, scores, [], null);
        }
        var bins = latest.Histogram;
        var labels = bins.Select((b, i) => b.Category ?? (b.Lower is { } lo && b.Upper is { } hi ? ChartData.BinLabel(lo, hi, i == bins.Count - 1) : "(missing)")).ToArray();
        var series = ChartData.Series(
        [
            new ChartSeries("reference", bins.Select(b => (double?)b.ReferenceShare).ToArray()),
            new ChartSeries("current", bins.Select(b => (double?)b.CurrentShare).ToArray()),
        ]);
        return new FeatureView(name, latest, scores, labels, series);
    }

    private static double? Value(IReadOnlyDictionary<string, double>? values, string key) =>
        values is not null && values.TryGetValue(key, out var value) ? value : null;

    private static TimeSeriesChart Chart(IReadOnlyList<MonitorRunResult> results, IReadOnlyList<ChartSeries> series, double? threshold) =>
        new(ChartData.Numbers(results.Select(r => r.RunAt.ToUnixTimeMilliseconds() / 1000.0)), ChartData.Series(series), threshold);
}
