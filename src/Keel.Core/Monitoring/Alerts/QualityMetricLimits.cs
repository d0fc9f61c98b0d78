using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring.Alerts;

/// <summary>Which way each quality metric improves and the values it can take, for alert rules.</summary>
public static class QualityMetricLimits
{
    private static readonly Dictionary<string, (bool LowerIsBetter, double Min, double Max)> Metrics = new(StringComparer.Ordinal)
    {
        [QualityMetricNames.Accuracy] = (false, 0, 1),
        [QualityMetricNames.Precision] = (false, 0, 1),
        [QualityMetricNames.Recall] = (false, 0, 1),
        [QualityMetricNames.F1] = (false, 0, 1),
        [QualityMetricNames.RocAuc] = (false, 0, 1),
        [QualityMetricNames.LogLoss] = (true, 0, double.MaxValue),
        [QualityMetricNames.Rmse] = (true, 0, double.MaxValue),
        [QualityMetricNames.Mae] = (true, 0, double.MaxValue),
        // R² is 1 at best and unbounded below (a model worse than predicting the mean).
        [QualityMetricNames.R2] = (false, double.MinValue, 1),
    };

    /// <summary>The metric names a quality rule may watch, in a stable order.</summary>
    public static IReadOnlyList<string> Known { get; } = [.. Metrics.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Whether <paramref name="metric"/> is one of <see cref="QualityMetricNames"/>.</summary>
    public static bool IsKnown(string? metric) => metric is not null && Metrics.ContainsKey(metric);

    /// <summary>True for error metrics (log_loss, rmse, mae), whose alerts fire above the threshold rather than below.</summary>
    public static bool LowerIsBetter(string metric) => Metrics.TryGetValue(metric, out var m) && m.LowerIsBetter;

    /// <summary>The closed range of values the metric can take (finite bounds; unbounded sides are double.MinValue/MaxValue).</summary>
    public static (double Min, double Max) Range(string metric) =>
        Metrics.TryGetValue(metric, out var m) ? (m.Min, m.Max) : throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown quality metric.");
}
