using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Registry.Gates;

/// <summary>
/// The metrics a gate can name: the quality metrics of <see cref="QualityMetrics"/>, which task each belongs to,
/// and which way is better. Fairness compares groups on <see cref="FairnessMetrics"/>.
/// </summary>
public static class GateMetrics
{
    /// <summary>The share of rows predicted as the positive label.</summary>
    public const string PositiveRate = "positive_rate";

    /// <summary>Classification metrics, in report order.</summary>
    public static IReadOnlyList<string> Classification { get; } =
    [
        QualityMetricNames.Accuracy, QualityMetricNames.Precision, QualityMetricNames.Recall, QualityMetricNames.F1,
        QualityMetricNames.RocAuc, QualityMetricNames.LogLoss,
    ];

    /// <summary>Regression metrics, in report order.</summary>
    public static IReadOnlyList<string> Regression { get; } = [QualityMetricNames.Rmse, QualityMetricNames.Mae, QualityMetricNames.R2];

    /// <summary>What a fairness rule may compare between groups.</summary>
    public static IReadOnlyList<string> FairnessMetrics { get; } = [PositiveRate, QualityMetricNames.Recall, QualityMetricNames.Accuracy];

    public static bool IsKnown(string metric) => TaskOf(metric) is not null;

    /// <summary>The task <paramref name="metric"/> measures, or null for an unknown name.</summary>
    public static TaskKind? TaskOf(string metric) =>
        Classification.Contains(metric, StringComparer.Ordinal) ? TaskKind.Classification
        : Regression.Contains(metric, StringComparer.Ordinal) ? TaskKind.Regression
        : null;

    /// <summary>False for the error metrics (log loss, rmse, mae), where lower is better.</summary>
    public static bool HigherIsBetter(string metric) =>
        metric is not (QualityMetricNames.LogLoss or QualityMetricNames.Rmse or QualityMetricNames.Mae);

    /// <summary>The metric permutation importance uses when the rules name none.</summary>
    public static string DefaultImportanceMetric(TaskKind task) =>
        task == TaskKind.Regression ? QualityMetricNames.R2 : QualityMetricNames.Accuracy;
}
