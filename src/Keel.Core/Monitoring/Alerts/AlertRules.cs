namespace Keel.Core.Monitoring.Alerts;

/// <summary>What an alert rule watches.</summary>
public enum AlertKind
{
    /// <summary>Dataset drift (or one feature's drift when <see cref="AlertRule.Feature"/> is set).</summary>
    Drift,

    /// <summary>A quality metric below <see cref="AlertRule.Threshold"/> (log_loss, rmse, mae: above).</summary>
    Quality,

    /// <summary>p99 latency in milliseconds above <see cref="AlertRule.Threshold"/>.</summary>
    Latency,

    /// <summary>Error rate (0–1) above <see cref="AlertRule.Threshold"/>.</summary>
    ErrorRate,
}

/// <summary>One alert rule of a monitor.</summary>
/// <param name="Name">Unique within the monitor; named in events and webhooks.</param>
/// <param name="Kind">What it watches.</param>
/// <param name="Threshold">The limit (unused for <see cref="AlertKind.Drift"/>, which uses the drift verdict).</param>
/// <param name="Metric">For <see cref="AlertKind.Quality"/>: the metric (<see cref="Statistics.QualityMetricNames"/>).</param>
/// <param name="Feature">For <see cref="AlertKind.Drift"/>: one feature instead of the dataset verdict.</param>
public sealed record AlertRule(string Name, AlertKind Kind, double? Threshold = null, string? Metric = null, string? Feature = null);

/// <summary>An alert that fired: recorded by the monitor store, sent to the webhooks, and read by continuous training.</summary>
/// <param name="Id">Unique id (a GUID in "N" format).</param>
/// <param name="Monitor">The monitor that fired it.</param>
/// <param name="Deployment">The deployment it watches.</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Kind">The rule's kind.</param>
/// <param name="Message">One human sentence, e.g. "dataset drift: 7 of 10 features drifted (share 0.70 ≥ 0.50)".</param>
/// <param name="Value">The observed value (drifted share, metric, p99 ms, error rate).</param>
/// <param name="Threshold">The limit it crossed.</param>
/// <param name="FiredAt">When it fired.</param>
public sealed record AlertEvent(
    string Id,
    string Monitor,
    string Deployment,
    string Rule,
    AlertKind Kind,
    string Message,
    double Value,
    double Threshold,
    DateTimeOffset FiredAt);
