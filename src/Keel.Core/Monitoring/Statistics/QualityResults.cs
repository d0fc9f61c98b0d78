namespace Keel.Core.Monitoring.Statistics;

/// <summary>What a model predicts, which decides the quality metrics.</summary>
public enum TaskKind
{
    Classification,
    Regression,
}

/// <summary>The metric names quality results use (MLflow's spellings where MLflow has one).</summary>
public static class QualityMetricNames
{
    public const string Accuracy = "accuracy";
    public const string Precision = "precision";
    public const string Recall = "recall";
    public const string F1 = "f1";
    public const string RocAuc = "roc_auc";
    public const string LogLoss = "log_loss";
    public const string Rmse = "rmse";
    public const string Mae = "mae";
    public const string R2 = "r2";
}
