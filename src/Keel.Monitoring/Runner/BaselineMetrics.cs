using Keel.Core.Monitoring.Statistics;
using Keel.Core.Tracking;

namespace Keel.Monitoring.Runner;

/// <summary>
/// The quality a model version was registered with: its run's latest metrics whose keys name a
/// <see cref="QualityMetricNames"/> metric. For each metric the first key found wins, trying the prefixes
/// <c>""</c>, <c>test_</c>, <c>eval_</c>, <c>val_</c>, <c>validation_</c>, <c>training_</c>, <c>train_</c> (held-out
/// data first, as training scores flatter the model) in front of the metric's names: its own
/// (<c>accuracy</c>), with <c>_score</c> (<c>accuracy_score</c>, as MLflow's scikit-learn autolog writes) and, for
/// regression, the long forms <c>root_mean_squared_error</c>, <c>mean_absolute_error</c>. Keys compare ignoring case.
/// </summary>
public static class BaselineMetrics
{
    private static readonly string[] Prefixes = ["", "test_", "eval_", "val_", "validation_", "training_", "train_"];

    private static readonly (string Metric, string[] Names)[] Names =
    [
        (QualityMetricNames.Accuracy, ["accuracy", "accuracy_score", "acc"]),
        (QualityMetricNames.Precision, ["precision", "precision_score"]),
        (QualityMetricNames.Recall, ["recall", "recall_score"]),
        (QualityMetricNames.F1, ["f1", "f1_score"]),
        (QualityMetricNames.RocAuc, ["roc_auc", "roc_auc_score", "auc"]),
        (QualityMetricNames.LogLoss, ["log_loss", "logloss"]),
        (QualityMetricNames.Rmse, ["rmse", "root_mean_squared_error"]),
        (QualityMetricNames.Mae, ["mae", "mean_absolute_error"]),
        (QualityMetricNames.R2, ["r2", "r2_score"]),
    ];

    /// <summary>Classification metrics (accuracy … log loss).</summary>
    public static IReadOnlySet<string> Classification { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        QualityMetricNames.Accuracy, QualityMetricNames.Precision, QualityMetricNames.Recall, QualityMetricNames.F1,
        QualityMetricNames.RocAuc, QualityMetricNames.LogLoss,
    };

    /// <summary>Regression metrics (rmse, mae, r2).</summary>
    public static IReadOnlySet<string> Regression { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        QualityMetricNames.Rmse, QualityMetricNames.Mae, QualityMetricNames.R2,
    };

    /// <summary>The baseline among <paramref name="metrics"/> by the rule above; NaN and infinite values are skipped.</summary>
    public static IReadOnlyDictionary<string, double> From(IEnumerable<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var byKey = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var metric in metrics.Where(m => double.IsFinite(m.Value)))
        {
            byKey.TryAdd(metric.Key, metric.Value);
        }
        var baseline = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (metric, names) in Names)
        {
            var found = Prefixes.SelectMany(prefix => names.Select(name => prefix + name)).FirstOrDefault(byKey.ContainsKey);
            if (found is not null)
            {
                baseline[metric] = byKey[found];
            }
        }
        return baseline;
    }

    /// <summary>Only the metrics that belong to <paramref name="task"/>.</summary>
    public static IReadOnlyDictionary<string, double> For(IReadOnlyDictionary<string, double> baseline, TaskKind task) =>
        baseline.Where(m => (task == TaskKind.Classification ? Classification : Regression).Contains(m.Key))
            .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
}
