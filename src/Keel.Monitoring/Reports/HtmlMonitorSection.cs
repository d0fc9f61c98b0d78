using System.Text;
using static Keel.Monitoring.Reports.HtmlText;

namespace Keel.Monitoring.Reports;

/// <summary>One monitor's part of the HTML report: the latest run's tables, then its plots.</summary>
internal static class HtmlMonitorSection
{
    public static void Write(StringBuilder html, MonitorSection section, ReportPlots plots)
    {
        var latest = section.Latest;
        html.Append("<section class=\"monitor\" data-monitor=\"").Append(Encode(section.Monitor)).Append("\">\n<h2>Monitor <span class=\"name\">")
            .Append(Encode(section.Monitor)).Append("</span></h2>\n<p class=\"muted\">").Append(Integer(section.Runs))
            .Append(section.Runs == 1 ? " run" : " runs").Append(" in range, from ").Append(TimeElement(section.FirstRunAt)).Append(" to ")
            .Append(TimeElement(latest.RunAt)).Append(".</p>\n");
        WriteLatest(html, latest);
        WriteFeatures(html, latest.Drift);
        WriteQuality(html, latest.Quality);
        WriteProblems(html, section.Problems);
        WritePlots(html, section, plots);
        html.Append("</section>\n");
    }

    private static void WriteLatest(StringBuilder html, LatestRun latest)
    {
        html.Append("<h3>Latest run</h3>\n");
        if (latest.Problem is { } problem)
        {
            html.Append("<p class=\"notice\">").Append(Encode(problem)).Append("</p>\n");
        }
        var serving = latest.Serving;
        html.Append("<dl class=\"meta summary\">")
            .Append("<dt>Ran at</dt><dd>").Append(TimeElement(latest.RunAt)).Append("</dd>")
            .Append("<dt>Window</dt><dd>").Append(TimeElement(latest.WindowStart)).Append(" to ").Append(TimeElement(latest.WindowEnd)).Append("</dd>")
            .Append("<dt>Reference</dt><dd>").Append(Encode(latest.Reference)).Append(" (").Append(Integer(latest.ReferenceRows)).Append(" rows)</dd>")
            .Append("<dt>Current rows</dt><dd>").Append(Integer(latest.CurrentRows)).Append("</dd>")
            .Append("<dt>Dataset drift</dt><dd>");
        if (latest.Drift is { } drift)
        {
            html.Append(drift.DatasetDrift ? "<span class=\"badge drift\">drift</span> " : "<span class=\"badge ok\">no drift</span> ")
                .Append(Integer(drift.DriftedFeatures)).Append(" of ").Append(Integer(drift.Features.Count)).Append(" features drifted (share ")
                .Append(Share(drift.DriftedShare)).Append(", threshold ").Append(Share(drift.ShareThreshold)).Append(')');
        }
        else
        {
            html.Append("not computed");
        }
        html.Append("</dd><dt>Serving</dt><dd>").Append(Integer(serving.Requests)).Append(" requests, ").Append(Integer(serving.Errors))
            .Append(" errors (").Append(Number(serving.ErrorRate * 100)).Append(" %), p50 ").Append(Number(serving.P50LatencyMs))
            .Append(" ms, p99 ").Append(Number(serving.P99LatencyMs)).Append(" ms</dd></dl>\n");
    }

    private static void WriteFeatures(StringBuilder html, DriftSummary? drift)
    {
        if (drift is null || drift.Features.Count == 0)
        {
            return;
        }
        html.Append("<table class=\"features\"><thead><tr><th>Feature</th><th>Kind</th><th>Method</th><th>Score</th><th>p-value</th>")
            .Append("<th>Threshold</th><th>Verdict</th><th>Reference / current values</th></tr></thead><tbody>\n");
        foreach (var f in drift.Features)
        {
            var verdict = f.Problem is { } problem
                ? "<span class=\"badge problem\">not computed</span> " + Encode(problem)
                : f.Drifted ? "<span class=\"badge drift\">drift</span>" : "<span class=\"badge ok\">no drift</span>";
            html.Append("<tr data-feature=\"").Append(Encode(f.Feature)).Append("\"><td class=\"name\">").Append(Encode(f.Feature))
                .Append("</td><td>").Append(Encode(f.Kind)).Append("</td><td>").Append(Encode(f.Method))
                .Append("</td><td class=\"num\">").Append(Number(f.Score)).Append("</td><td class=\"num\">").Append(Number(f.PValue))
                .Append("</td><td class=\"num\">").Append(Number(f.Threshold)).Append("</td><td>").Append(verdict)
                .Append("</td><td class=\"num\">").Append(Integer(f.ReferenceCount)).Append(" / ").Append(Integer(f.CurrentCount)).Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
    }

    private static void WriteQuality(StringBuilder html, QualitySummary? quality)
    {
        if (quality is null)
        {
            html.Append("<p class=\"muted\">No labelled predictions in the latest window, so no quality metrics.</p>\n");
            return;
        }
        html.Append("<h3>Quality (").Append(Encode(quality.Task)).Append(", ").Append(Integer(quality.LabelledRows)).Append(" labelled rows)</h3>\n")
            .Append("<table class=\"quality\"><thead><tr><th>Metric</th><th>Current</th><th>Baseline</th><th>Change</th></tr></thead><tbody>\n");
        foreach (var metric in quality.Metrics)
        {
            html.Append("<tr><td>").Append(Encode(metric.Metric)).Append("</td><td class=\"num\">").Append(Number(metric.Current))
                .Append("</td><td class=\"num\">").Append(Number(metric.Baseline)).Append("</td><td class=\"num\">").Append(Number(metric.Change))
                .Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
    }

    private static void WriteProblems(StringBuilder html, IReadOnlyList<RunProblem> problems)
    {
        if (problems.Count == 0)
        {
            return;
        }
        html.Append("<h3>Runs with problems</h3>\n<ul class=\"problems\">\n");
        foreach (var problem in problems)
        {
            html.Append("<li>").Append(TimeElement(problem.RunAt)).Append(": ").Append(Encode(problem.Problem)).Append("</li>\n");
        }
        html.Append("</ul>\n");
    }

    private static void WritePlots(StringBuilder html, MonitorSection section, ReportPlots plots)
    {
        if (section.Histograms.Count > 0)
        {
            html.Append("<h3>Reference vs current</h3>\n<div class=\"plots\">\n");
            foreach (var histogram in section.Histograms)
            {
                var caption = Encode(histogram.Feature) + " <span class=\"muted\">(" + Encode(histogram.Kind) + ", run of " + Time(histogram.RunAt)
                    + (histogram.Bins.Count > ReportPlots.MaxCategories && histogram.Kind == "categorical"
                        ? $", the {ReportPlots.MaxCategories} largest of {histogram.Bins.Count} categories" : "") + ")</span>";
                Figure(html, "histogram", histogram.Feature, caption, plots.Histogram(histogram));
            }
            html.Append("</div>\n");
        }
        if (section.DriftedShare.Count > 0 || section.DriftScores.Count > 0)
        {
            html.Append("<h3>Drift over time</h3>\n<div class=\"plots\">\n");
            if (section.DriftedShare.Count > 0)
            {
                Figure(html, "drifted-share", null, "Share of drifted features",
                    plots.DriftedShare(section.DriftedShare, section.Latest.Drift?.ShareThreshold ?? 0.5));
            }
            foreach (var series in section.DriftScores)
            {
                var caption = Encode(series.Feature) + " <span class=\"muted\">(" + Encode(series.Method) + (series.Measure == "p_value" ? ", p-value" : "") + ")</span>";
                Figure(html, "drift-score", series.Feature, caption, plots.DriftScore(series));
            }
            html.Append("</div>\n");
        }
        if (section.Quality.Count > 0)
        {
            html.Append("<h3>Quality over time</h3>\n<div class=\"plots\">\n");
            foreach (var metric in section.Quality)
            {
                Figure(html, "quality", null, Encode(metric.Metric), plots.QualityMetric(metric), metric.Metric);
            }
            html.Append("</div>\n");
        }
        html.Append("<h3>Serving</h3>\n<div class=\"plots\">\n");
        if (section.Serving.P99LatencyMs.Count > 0 || section.Serving.P50LatencyMs.Count > 0)
        {
            Figure(html, "latency", null, "Latency", plots.Latency(section.Serving));
        }
        Figure(html, "traffic", null, "Requests and error rate", plots.Traffic(section.Serving));
        html.Append("</div>\n");
    }

    private static void Figure(StringBuilder html, string kind, string? feature, string captionHtml, string svg, string? metric = null)
    {
        html.Append("<figure class=\"plot\" data-plot=\"").Append(kind).Append('"');
        if (feature is not null)
        {
            html.Append(" data-feature=\"").Append(Encode(feature)).Append('"');
        }
        if (metric is not null)
        {
            html.Append(" data-metric=\"").Append(Encode(metric)).Append('"');
        }
        html.Append("><figcaption>").Append(captionHtml).Append("</figcaption>\n").Append(svg).Append("\n</figure>\n");
    }
}
