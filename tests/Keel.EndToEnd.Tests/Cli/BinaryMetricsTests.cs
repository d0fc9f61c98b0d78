using Keel.Cli.Quickstart;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class BinaryMetricsTests
{
    [Fact]
    public void Auc_PerfectRanking_IsOne() =>
        Assert.Equal(1.0, BinaryMetrics.Auc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]));

    [Fact]
    public void Auc_TiesAndOneInversion_CountsHalvesAndMisses()
    {
        // Pairs (positive, negative): (0.8,0.1) win, (0.8,0.8) tie, (0.3,0.1) win, (0.3,0.8) loss → 2.5 of 4.
        Assert.Equal(0.625, BinaryMetrics.Auc([0.1, 0.8, 0.8, 0.3], [false, false, true, true]));
    }

    [Fact]
    public void Auc_OneClassOnly_IsNaN() =>
        Assert.True(double.IsNaN(BinaryMetrics.Auc([0.1, 0.2], [true, true])));

    [Fact]
    public void LogLoss_KnownProbabilities_MatchesNaturalLogDefinition()
    {
        var expected = -(Math.Log(0.9) + Math.Log(1 - 0.2)) / 2;

        Assert.Equal(expected, BinaryMetrics.LogLoss([0.9, 0.2], [true, false]), precision: 12);
    }

    [Fact]
    public void LogLoss_CertainMistake_IsClippedNotInfinite() =>
        Assert.True(double.IsFinite(BinaryMetrics.LogLoss([0.0], [true])));
}
