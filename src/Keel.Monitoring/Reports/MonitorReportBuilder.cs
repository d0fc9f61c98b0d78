using System.Globalization;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;

namespace Keel.Monitoring.Reports;

/// <summary>What a report covers.</summary>
/// <param name="Deployment">The deployment.</param>
/// <param name="Monitor">One monitor, or null for every monitor of the deployment.</param>
/// <param name="Since">Start of the range (inclusive).</param>
/// <param name="Until">End of the range (exclusive); after <paramref name="Since"/>.</param>
public sealed record MonitorReportQuery(string Deployment, string? Monitor, DateTimeOffset Since, DateTimeOffset Until);

/// <summary>Builds a <see cref="MonitorReport"/> from stored monitor results and alert events.</summary>
public static class MonitorReportBuilder
{
    /// <summary>
    /// Builds the report. Results and alerts outside the query (another deployment or monitor, or outside the range)
    /// are ignored, so callers may pass a superset; no results gives a report whose <see cref="MonitorReport.EmptyReason"/>
    /// says so.
    /// </summary>
    /// <param name="query">The deployment, monitor and range.</param>
    /// <param name="results">Monitor results, in any order.</param>
    /// <param name="alertEvents">Alert events from the store; null takes the alerts recorded in <paramref name="results"/>.</param>
    /// <param name="generatedAt">The time to stamp on the report.</param>
    public static MonitorReport Build(
        MonitorReportQuery query, IEnumerable<MonitorRunResult> results, IEnumerable<AlertEvent>? alertEvents, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(results);
        var inRange = results.Where(r => Matches(query, r.Deployment, r.Monitor, r.RunAt)).OrderBy(r => r.RunAt).ToList();
        var sections = inRange.GroupBy(r => r.Monitor, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => BuildSection(g.Key, g.ToList()))
            .ToList();
        var alerts = (alertEvents ?? inRange.SelectMany(r => r.Alerts))
            .Where(a => Matches(query, a.Deployment, a.Monitor, a.FiredAt))
            .DistinctBy(a => a.Id, StringComparer.Ordinal)
            .OrderByDescending(a => a.FiredAt)
            .Select(a => new ReportAlert(a.FiredAt, a.Monitor, a.Rule, ReportNames.Alert(a.Kind), a.Message, a.Value, a.Threshold))
            .ToList();
        return new MonitorReport(query.Deployment, query.Monitor, query.Since, query.Until, generatedAt, inRange.Count, sections, alerts,
            inRange.Count == 0 ? EmptyReason(query) : null);
    }

    private static bool Matches(MonitorReportQuery query, string deployment, string monitor, DateTimeOffset at) =>
        string.Equals(deployment, query.Deployment, StringComparison.Ordinal)
        && (query.Monitor is null || string.Equals(monitor, query.Monitor, StringComparison.Ordinal))
        && at >= query.Since && at < query.Until;

    private static string EmptyReason(MonitorReportQuery query)
    {
        var who = query.Monitor is null ? "no monitor of this deployment" : "the monitor " + query.Monitor;
        return string.Create(CultureInfo.InvariantCulture,
            $"No monitor runs in this range: {who} ran between {query.Since:u} and {query.Until:u}.");
    }

    private static MonitorSection BuildSection(string monitor, List<MonitorRunResult> runs)
    {
        var latest = runs[^1];
        return new MonitorSection(
            monitor,
            runs.Count,
            runs[0].RunAt,
            Summarize(latest),
            ReportSeries.Histograms(runs),
            ReportSeries.DriftScores(runs),
            runs.Where(r => r.Drift is not null).Select(r => new TimePoint(r.RunAt, r.Drift!.DriftedShare)).ToList(),
            ReportSeries.Quality(runs),
            ReportSeries.Serving(runs),
            runs.Where(r => r.Problem is not null).Select(r => new RunProblem(r.RunAt, r.Problem!)).ToList());
    }

    private static LatestRun Summarize(MonitorRunResult run)
    {
        DriftSummary? drift = run.Drift is { } d
            ? new DriftSummary(d.DriftedShare, d.ShareThreshold, d.DatasetDrift, d.Features.Count(f => f.Drifted),
                d.Features.Select(f => new FeatureSummary(f.Feature, ReportNames.Kind(f.Kind), ReportNames.Method(f.Method), f.Score, f.PValue,
                    f.Threshold, f.Drifted, f.ReferenceCount, f.CurrentCount, f.Problem)).ToList())
            : null;
        QualitySummary? quality = run.Quality is { } q
            ? new QualitySummary(ReportNames.Task(q.Task), q.LabelledRows, q.Current.Keys.Union(q.Baseline.Keys)
                .Order(StringComparer.Ordinal)
                .Select(name => QualityRow(name, q.Current, q.Baseline))
                .ToList())
            : null;
        return new LatestRun(run.RunAt, run.WindowStart, run.WindowEnd, run.Reference, run.ReferenceRows, run.CurrentRows, run.Problem, drift,
            quality, run.Serving);
    }

    private static QualityMetricRow QualityRow(string name, IReadOnlyDictionary<string, double> current, IReadOnlyDictionary<string, double> baseline)
    {
        double? now = current.TryGetValue(name, out var c) ? c : null;
        double? then = baseline.TryGetValue(name, out var b) ? b : null;
        return new QualityMetricRow(name, now, then, now - then);
    }
}
