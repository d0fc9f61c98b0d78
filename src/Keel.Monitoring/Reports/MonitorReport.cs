using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.Reports;

/// <summary>
/// A monitoring report over a time range for one deployment: the latest state and the history of each of its
/// monitors, and the alerts fired in the range. The HTML and JSON writers render this one model.
/// </summary>
/// <param name="Deployment">The deployment reported on.</param>
/// <param name="Monitor">The one monitor asked for, or null for every monitor of the deployment.</param>
/// <param name="Since">Start of the range (inclusive).</param>
/// <param name="Until">End of the range (exclusive).</param>
/// <param name="GeneratedAt">When the report was built.</param>
/// <param name="RunCount">Monitor runs in the range, over all monitors.</param>
/// <param name="Monitors">One section per monitor, ordered by name (ordinal).</param>
/// <param name="Alerts">Alerts fired in the range, newest first.</param>
/// <param name="EmptyReason">Why the report holds no runs (one sentence), or null when it has some.</param>
public sealed record MonitorReport(
    string Deployment,
    string? Monitor,
    DateTimeOffset Since,
    DateTimeOffset Until,
    DateTimeOffset GeneratedAt,
    int RunCount,
    IReadOnlyList<MonitorSection> Monitors,
    IReadOnlyList<ReportAlert> Alerts,
    string? EmptyReason);

/// <summary>One monitor's part of a report.</summary>
/// <param name="Monitor">The monitor's name.</param>
/// <param name="Runs">Its runs in the range.</param>
/// <param name="FirstRunAt">Its oldest run in the range.</param>
/// <param name="Latest">Its newest run in the range.</param>
/// <param name="Histograms">Reference-vs-current histogram per feature, each from the newest run that had one.</param>
/// <param name="DriftScores">Drift measure over time, one series per feature and method.</param>
/// <param name="DriftedShare">Share of drifted features per run that computed drift.</param>
/// <param name="Quality">Each quality metric over time.</param>
/// <param name="Serving">Traffic, errors and latency over time.</param>
/// <param name="Problems">Runs that could not compute everything, oldest first.</param>
public sealed record MonitorSection(
    string Monitor,
    int Runs,
    DateTimeOffset FirstRunAt,
    LatestRun Latest,
    IReadOnlyList<FeatureHistogram> Histograms,
    IReadOnlyList<DriftScoreSeries> DriftScores,
    IReadOnlyList<TimePoint> DriftedShare,
    IReadOnlyList<QualityMetricSeries> Quality,
    ServingSeries Serving,
    IReadOnlyList<RunProblem> Problems);

/// <summary>The summary of a monitor's newest run in the range.</summary>
/// <param name="RunAt">When it ran.</param>
/// <param name="WindowStart">Start of its traffic window (inclusive).</param>
/// <param name="WindowEnd">End of its traffic window (exclusive).</param>
/// <param name="Reference">What the window was compared with.</param>
/// <param name="ReferenceRows">Rows in the reference.</param>
/// <param name="CurrentRows">Rows in the window.</param>
/// <param name="Problem">Why nothing could be computed, or null.</param>
/// <param name="Drift">Dataset and per-feature drift, or null when none was computed.</param>
/// <param name="Quality">Quality against the registration baseline, or null when no labelled rows were in the window.</param>
/// <param name="Serving">Requests, errors and latency in the window.</param>
public sealed record LatestRun(
    DateTimeOffset RunAt,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string Reference,
    int ReferenceRows,
    int CurrentRows,
    string? Problem,
    DriftSummary? Drift,
    QualitySummary? Quality,
    ServingStats Serving);

/// <summary>Dataset drift of one run with its per-feature verdicts.</summary>
/// <param name="DriftedShare">Share of computed features that drifted (0–1).</param>
/// <param name="ShareThreshold">Dataset drift when the share is at least this.</param>
/// <param name="DatasetDrift">The dataset verdict.</param>
/// <param name="DriftedFeatures">How many features drifted.</param>
/// <param name="Features">Every feature's verdict, in the order the run reported them.</param>
public sealed record DriftSummary(double DriftedShare, double ShareThreshold, bool DatasetDrift, int DriftedFeatures, IReadOnlyList<FeatureSummary> Features);

/// <summary>One feature's drift verdict in a run.</summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Kind"><c>numeric</c> or <c>categorical</c>.</param>
/// <param name="Method">The statistic, by Evidently's name (<see cref="ReportNames.Method"/>).</param>
/// <param name="Score">The statistic's value, or null when it could not be computed.</param>
/// <param name="PValue">The p-value for the statistical tests, else null.</param>
/// <param name="Threshold">The drift threshold (on the p-value for tests, on the score for distances).</param>
/// <param name="Drifted">The verdict.</param>
/// <param name="ReferenceCount">Non-missing reference values.</param>
/// <param name="CurrentCount">Non-missing current values.</param>
/// <param name="Problem">Why the test could not be computed, or null.</param>
public sealed record FeatureSummary(
    string Feature,
    string Kind,
    string Method,
    double? Score,
    double? PValue,
    double Threshold,
    bool Drifted,
    int ReferenceCount,
    int CurrentCount,
    string? Problem);

/// <summary>Quality of one run's labelled rows next to the registration baseline.</summary>
/// <param name="Task"><c>classification</c> or <c>regression</c>.</param>
/// <param name="LabelledRows">Rows with ground truth.</param>
/// <param name="Metrics">Each metric measured or recorded, by name (ordinal).</param>
public sealed record QualitySummary(string Task, int LabelledRows, IReadOnlyList<QualityMetricRow> Metrics);

/// <summary>One quality metric: the window's value, the baseline, and the difference.</summary>
/// <param name="Metric">Its name (<see cref="QualityMetricNames"/>).</param>
/// <param name="Current">Over the window's labelled rows, or null when not computed.</param>
/// <param name="Baseline">As recorded at registration, or null when not recorded.</param>
/// <param name="Change">Current minus baseline, when both exist.</param>
public sealed record QualityMetricRow(string Metric, double? Current, double? Baseline, double? Change);

/// <summary>A feature's reference and current distributions as shares per bin or category.</summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Kind"><c>numeric</c> or <c>categorical</c>.</param>
/// <param name="RunAt">The run the histogram comes from.</param>
/// <param name="Bins">Bins in order (numeric) or categories (categorical).</param>
public sealed record FeatureHistogram(string Feature, string Kind, DateTimeOffset RunAt, IReadOnlyList<HistogramBin> Bins);

/// <summary>
/// A feature's drift measure over time: the p-value for the statistical tests (drift below the threshold), the score
/// for the distances (drift at or above it).
/// </summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Method">The statistic, by Evidently's name.</param>
/// <param name="Measure"><c>p_value</c> or <c>score</c>: what <see cref="Points"/> hold.</param>
/// <param name="Threshold">The newest run's threshold.</param>
/// <param name="Points">One point per run that computed it, oldest first.</param>
public sealed record DriftScoreSeries(string Feature, string Method, string Measure, double Threshold, IReadOnlyList<DriftPoint> Points);

/// <summary>One run's drift measure for a feature.</summary>
/// <param name="At">When the run happened.</param>
/// <param name="Value">The p-value or score.</param>
/// <param name="Drifted">That run's verdict.</param>
public sealed record DriftPoint(DateTimeOffset At, double Value, bool Drifted);

/// <summary>A value at a run's time.</summary>
/// <param name="At">When the run happened.</param>
/// <param name="Value">The value.</param>
public sealed record TimePoint(DateTimeOffset At, double Value);

/// <summary>One quality metric over time.</summary>
/// <param name="Metric">Its name.</param>
/// <param name="Baseline">The newest baseline recorded for it, or null.</param>
/// <param name="Points">One point per run that measured it, oldest first.</param>
public sealed record QualityMetricSeries(string Metric, double? Baseline, IReadOnlyList<TimePoint> Points);

/// <summary>Serving health per run, oldest first.</summary>
/// <param name="Requests">Requests in each run's window.</param>
/// <param name="ErrorRate">Error rate (0–1) in each run's window.</param>
/// <param name="P50LatencyMs">Median latency in milliseconds, for runs that had any request.</param>
/// <param name="P99LatencyMs">99th-percentile latency in milliseconds, for runs that had any request.</param>
public sealed record ServingSeries(
    IReadOnlyList<TimePoint> Requests,
    IReadOnlyList<TimePoint> ErrorRate,
    IReadOnlyList<TimePoint> P50LatencyMs,
    IReadOnlyList<TimePoint> P99LatencyMs);

/// <summary>A run that could not compute everything.</summary>
/// <param name="RunAt">When it ran.</param>
/// <param name="Problem">Why, in one sentence.</param>
public sealed record RunProblem(DateTimeOffset RunAt, string Problem);

/// <summary>An alert fired in the report's range.</summary>
/// <param name="FiredAt">When it fired.</param>
/// <param name="Monitor">The monitor that fired it.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Kind"><c>drift</c>, <c>quality</c>, <c>latency</c> or <c>error_rate</c>.</param>
/// <param name="Message">The alert's sentence.</param>
/// <param name="Value">The observed value.</param>
/// <param name="Threshold">The limit it crossed.</param>
public sealed record ReportAlert(DateTimeOffset FiredAt, string Monitor, string Rule, string Kind, string Message, double Value, double Threshold);
