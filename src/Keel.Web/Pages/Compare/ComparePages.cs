using Keel.Core.Common;
using Keel.Core.Tracking;
using Keel.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Pages.Compare;

/// <summary>Runs side by side: <c>/compare?runs=a,b&amp;metrics=loss,acc&amp;x_param=lr&amp;y_metric=acc</c>.</summary>
internal static class ComparePages
{
    public const int MinRuns = 2;
    public const int MaxRuns = 10;
    private const int DefaultCharts = 4;

    public static void MapComparePages(this IEndpointRouteBuilder pages) => pages.MapGet("/compare", CompareAsync);

    private static async Task<IResult> CompareAsync(
        string[]? runs, string[]? metrics, string? x_param, string? y_metric, TrackingService tracking, CancellationToken ct)
    {
        var runIds = QueryStrings.SplitList(runs);
        if (runIds.Count is < MinRuns or > MaxRuns)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value for parameter 'runs': choose {MinRuns} to {MaxRuns} runs to compare (got {runIds.Count}).");
        }
        var loaded = new List<Run>(runIds.Count);
        foreach (var id in runIds)
        {
            loaded.Add(await tracking.GetRunAsync(id, ct));
        }

        var paramRows = Rows(loaded, r => r.Params.Select(p => (p.Key, (string?)p.Value)));
        var metricRows = Rows(loaded, r => r.LatestMetrics.Select(m => (m.Key, (string?)Components.Format.Number(m.Value))));
        var metricKeys = metricRows.Select(r => r.Key).ToArray();
        var paramKeys = paramRows.Select(r => r.Key).ToArray();
        var chosen = QueryStrings.SplitList(metrics).Where(metricKeys.Contains).ToArray();
        var chartKeys = metrics is { Length: > 0 } ? chosen : metricKeys.Take(DefaultCharts).ToArray();

        // Default scatter: the first param that differs between the runs against the first metric.
        var scatterParam = x_param is { Length: > 0 } && paramKeys.Contains(x_param) ? x_param
            : paramRows.FirstOrDefault(r => r.Differs)?.Key ?? paramKeys.FirstOrDefault();
        var scatterMetric = y_metric is { Length: > 0 } && metricKeys.Contains(y_metric) ? y_metric : metricKeys.FirstOrDefault();
        var scatter = scatterParam is null || scatterMetric is null
            ? []
            : loaded.Select(r => new ScatterPoint(
                r.Info.RunName,
                r.Params.FirstOrDefault(p => p.Key == scatterParam)?.Value,
                r.LatestMetrics.FirstOrDefault(m => m.Key == scatterMetric) is { } m && double.IsFinite(m.Value) ? m.Value : null)).ToArray();

        return UiResults.Page<ComparePage, CompareModel>(new CompareModel(
            loaded, paramRows, metricRows, metricKeys, chartKeys, paramKeys, scatterParam, scatterMetric, scatter));
    }

    private static CompareRow[] Rows(IReadOnlyList<Run> runs, Func<Run, IEnumerable<(string Key, string? Value)>> values)
    {
        var perRun = runs.Select(r => values(r).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal)).ToArray();
        return perRun.SelectMany(d => d.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(key => new CompareRow(key, perRun.Select(d => d.GetValueOrDefault(key)).ToArray()))
            .ToArray();
    }
}
