using Keel.Core.Monitoring.Statistics;
using static Keel.Core.Tests.Monitoring.ReferenceFixtures;

namespace Keel.Core.Tests.Monitoring;

/// <summary>Quality metrics against scikit-learn 1.2 (accuracy, precision, recall, F1, ROC AUC with ties, log loss) and numpy.</summary>
public sealed class QualityMetricsTests
{
    public static TheoryData<string> ClassificationCases => CaseNames("quality.json", "classification");

    public static TheoryData<string> RegressionCases => CaseNames("quality.json", "regression");

    [Theory]
    [MemberData(nameof(ClassificationCases))]
    public void Classification_MatchesSklearn(string name)
    {
        var fixture = Case("quality.json", name, "classification");
        var scores = fixture.GetProperty("scores");

        var metrics = QualityMetrics.Classification(
            Strings(fixture.GetProperty("actual")), Strings(fixture.GetProperty("predicted")),
            scores.ValueKind == System.Text.Json.JsonValueKind.Null ? null : Numbers(scores), fixture.GetProperty("positive_label").GetString()!);

        foreach (var key in new[] { QualityMetricNames.Accuracy, QualityMetricNames.Precision, QualityMetricNames.Recall, QualityMetricNames.F1 })
        {
            AssertStatistic(Number(fixture.GetProperty(key)), metrics[key], key);
        }
        if (fixture.TryGetProperty("log_loss", out var logLoss))
        {
            AssertStatistic(Number(logLoss), metrics[QualityMetricNames.LogLoss], "log_loss");
            var auc = fixture.GetProperty("roc_auc");
            if (auc.ValueKind == System.Text.Json.JsonValueKind.Null)
            {
                Assert.False(metrics.ContainsKey(QualityMetricNames.RocAuc));
            }
            else
            {
                AssertStatistic(Number(auc), metrics[QualityMetricNames.RocAuc], "roc_auc");
            }
        }
        else
        {
            Assert.False(metrics.ContainsKey(QualityMetricNames.LogLoss));
            Assert.False(metrics.ContainsKey(QualityMetricNames.RocAuc));
        }
    }

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void Regression_MatchesSklearn(string name)
    {
        var fixture = Case("quality.json", name, "regression");

        var metrics = QualityMetrics.Regression(Numbers(fixture.GetProperty("actual")), Numbers(fixture.GetProperty("predicted")));

        foreach (var key in new[] { QualityMetricNames.Rmse, QualityMetricNames.Mae, QualityMetricNames.R2 })
        {
            AssertStatistic(Number(fixture.GetProperty(key)), metrics[key], key);
        }
    }

    [Fact]
    public void Classification_Empty_GivesNoMetrics()
    {
        Assert.Empty(QualityMetrics.Classification([], []));
    }

    [Fact]
    public void Classification_NonFiniteScore_LeavesOutScoreMetrics()
    {
        var metrics = QualityMetrics.Classification(["1", "0"], ["1", "0"], [0.9, double.NaN]);

        Assert.Equal(1.0, metrics[QualityMetricNames.Accuracy]);
        Assert.False(metrics.ContainsKey(QualityMetricNames.LogLoss));
        Assert.False(metrics.ContainsKey(QualityMetricNames.RocAuc));
    }

    [Fact]
    public void Classification_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => QualityMetrics.Classification(["1"], ["1", "0"]));
    }

    [Fact]
    public void Regression_NonFinitePairs_AreLeftOut_AndSinglePairHasNoR2()
    {
        var metrics = QualityMetrics.Regression([1.0, double.NaN, 3.0], [2.0, 5.0, double.PositiveInfinity]);

        Assert.Equal(1.0, metrics[QualityMetricNames.Rmse]);
        Assert.Equal(1.0, metrics[QualityMetricNames.Mae]);
        Assert.False(metrics.ContainsKey(QualityMetricNames.R2));
        Assert.Empty(QualityMetrics.Regression([double.NaN], [1.0]));
    }
}
