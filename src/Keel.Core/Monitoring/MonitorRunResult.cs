using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring;

/// <summary>
/// One evaluation of a monitor over a window of logged predictions: drift against the reference, quality on the
/// labelled rows, serving health, and the alerts it fired. Stored as a time series per monitor.
/// </summary>
/// <param name="Monitor">The monitor's name.</param>
/// <param name="Deployment">The deployment whose traffic was read.</param>
/// <param name="RunAt">When the evaluation ran.</param>
/// <param name="WindowStart">Start of the window (inclusive).</param>
/// <param name="WindowEnd">End of the window (exclusive).</param>
/// <param name="Reference">What the window was compared with, e.g. <c>dataset breast-cancer v3</c>.</param>
/// <param name="ReferenceRows">Rows in the reference.</param>
/// <param name="CurrentRows">Logged prediction rows in the window.</param>
/// <param name="Drift">Null when the window was empty (see <paramref name="Problem"/>).</param>
/// <param name="Quality">Null when no labelled rows were in the window.</param>
/// <param name="Serving">Requests, errors and latency in the window.</param>
/// <param name="Alerts">Alerts this evaluation fired.</param>
/// <param name="Problem">Why nothing could be computed (one sentence), or null.</param>
public sealed record MonitorRunResult(
    string Monitor,
    string Deployment,
    DateTimeOffset RunAt,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string Reference,
    int ReferenceRows,
    int CurrentRows,
    DatasetDriftResult? Drift,
    QualityResult? Quality,
    ServingStats Serving,
    IReadOnlyList<AlertEvent> Alerts,
    string? Problem);

/// <summary>Quality on the window's labelled rows next to the metrics recorded for the model version at registration.</summary>
/// <param name="Task">Classification or regression.</param>
/// <param name="LabelledRows">Rows that had ground truth.</param>
/// <param name="Current">Metric name (<see cref="QualityMetricNames"/>) to value over the labelled rows.</param>
/// <param name="Baseline">The same metrics as recorded on the model version's run (empty when none were recorded).</param>
public sealed record QualityResult(TaskKind Task, int LabelledRows, IReadOnlyDictionary<string, double> Current, IReadOnlyDictionary<string, double> Baseline);

/// <summary>Serving health in a window, from the prediction log.</summary>
public sealed record ServingStats(int Requests, int Errors, double ErrorRate, double? P50LatencyMs, double? P99LatencyMs);
