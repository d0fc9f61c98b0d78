using Keel.Core.Registry.Gates;

namespace Keel.Core.Tests.Gates;

public sealed class PermutationImportanceTests
{
    // A "model" that is right exactly when feature x is in its original row; feature noise is never read.
    private static double Score(string? feature, int[]? permutation)
    {
        if (feature != "x" || permutation is null)
        {
            return 1.0;
        }
        return permutation.Select((source, row) => source == row ? 1.0 : 0.0).Average();
    }

    [Fact]
    public void Compute_TheFeatureTheScoreDependsOn_RanksFirst_AndAnIgnoredOneScoresZero()
    {
        var result = PermutationImportance.Compute(["noise", "x"], 200, "accuracy", 5, 42, Score);

        Assert.Equal(["x", "noise"], result.Features.Select(f => f.Feature));
        Assert.InRange(result.Features[0].Mean, 0.9, 1.0);
        Assert.Equal(0, result.Features[1].Mean);
        Assert.Equal(0, result.Features[1].Std);
        Assert.Equal(5, result.Features[0].Repeats.Count);
        Assert.Equal(1.0, result.Baseline);
    }

    [Fact]
    public void Compute_SameSeed_SameResult_OtherSeed_OtherShuffles()
    {
        var first = PermutationImportance.Compute(["x"], 20, "accuracy", 3, 1, Score);
        var again = PermutationImportance.Compute(["x"], 20, "accuracy", 3, 1, Score);
        var other = PermutationImportance.Compute(["x"], 20, "accuracy", 3, 2, Score);

        Assert.Equal(first.Features[0].Repeats, again.Features[0].Repeats);
        Assert.NotEqual(first.Features[0].Repeats, other.Features[0].Repeats);
    }

    [Fact]
    public void Compute_ErrorMetric_CountsAnIncreaseAsImportance()
    {
        // rmse doubles when x is shuffled: importance = permuted − baseline = +1.
        var result = PermutationImportance.Compute(["x"], 10, "rmse", 2, 0, (feature, _) => feature is null ? 1.0 : 2.0);

        Assert.Equal(1.0, result.Features[0].Mean);
    }

    [Fact]
    public void Compute_UndefinedScores_SortLast()
    {
        var result = PermutationImportance.Compute(["a", "b"], 10, "accuracy", 1, 0, (feature, _) => feature == "a" ? double.NaN : feature is null ? 1 : 0.9);

        Assert.Equal(["b", "a"], result.Features.Select(f => f.Feature));
        Assert.True(double.IsNaN(result.Features[1].Mean));
    }
}
