using Keel.Core.Monitoring.Statistics;
using Keel.Core.Tracking;
using Keel.Monitoring.Runner;

namespace Keel.Monitoring.Tests.Runner;

public sealed class BaselineMetricsTests
{
    private static IReadOnlyDictionary<string, double> From(params (string Key, double Value)[] metrics) =>
        BaselineMetrics.From(metrics.Select(m => new Metric(m.Key, m.Value, 0, 0)));

    [Fact]
    public void From_HeldOutPrefixesBeatTrainingOnes()
    {
        var baseline = From(("training_accuracy_score", 0.99), ("val_accuracy", 0.9), ("test_accuracy", 0.88));

        Assert.Equal(0.88, baseline[QualityMetricNames.Accuracy]);
    }

    [Fact]
    public void From_LongRegressionNamesAndScoreSuffixesAreRecognised()
    {
        var baseline = From(("test_root_mean_squared_error", 1.5), ("eval_mean_absolute_error", 1.1), ("training_r2_score", 0.8), ("loss", 3));

        Assert.Equal(1.5, baseline[QualityMetricNames.Rmse]);
        Assert.Equal(1.1, baseline[QualityMetricNames.Mae]);
        Assert.Equal(0.8, baseline[QualityMetricNames.R2]);
        Assert.Equal(3, baseline.Count);
    }

    [Fact]
    public void From_NaNIsSkippedAndCaseIgnored()
    {
        var baseline = From(("F1", double.NaN), ("Test_F1", 0.7));

        Assert.Equal(0.7, baseline[QualityMetricNames.F1]);
    }

    [Fact]
    public void For_KeepsOnlyTheTasksMetrics()
    {
        var baseline = From(("accuracy", 0.9), ("rmse", 2));

        Assert.Equal([QualityMetricNames.Accuracy], BaselineMetrics.For(baseline, TaskKind.Classification).Keys);
        Assert.Equal([QualityMetricNames.Rmse], BaselineMetrics.For(baseline, TaskKind.Regression).Keys);
    }
}
