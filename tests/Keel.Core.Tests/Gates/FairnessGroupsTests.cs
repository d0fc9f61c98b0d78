using Keel.Core.Registry.Gates;

namespace Keel.Core.Tests.Gates;

public sealed class FairnessGroupsTests
{
    private static readonly string[] Actual = ["1", "1", "0", "0", "1", "0", "0", "0"];
    private static readonly string[] Predicted = ["1", "0", "1", "0", "1", "1", "0", "0"];
    private static readonly string?[] Groups = ["F", "F", "F", "F", "M", "M", "M", null];

    [Fact]
    public void Compute_PositiveRate_IsTheShareOfPositivePredictionsPerGroup()
    {
        var result = FairnessGroups.Compute("sex", GateMetrics.PositiveRate, Actual, Predicted, Groups, "1");

        Assert.Equal(
            [new GroupValue("(missing)", 1, 0), new GroupValue("F", 4, 0.5), new GroupValue("M", 3, 2 / 3.0)],
            result.Groups);
        Assert.Equal(2 / 3.0, result.Gap, 12);
    }

    [Fact]
    public void Compute_Recall_IsUndefinedForAGroupWithoutPositives()
    {
        var result = FairnessGroups.Compute("sex", "recall", Actual, Predicted, Groups, "1");

        Assert.True(double.IsNaN(result.Groups[0].Value));
        Assert.Equal(0.5, result.Groups[1].Value);
        Assert.Equal(1.0, result.Groups[2].Value);
        Assert.Equal(0.5, result.Gap, 12);
    }

    [Fact]
    public void Compute_Accuracy_PerGroup()
    {
        var result = FairnessGroups.Compute("sex", "accuracy", Actual, Predicted, Groups, "1");

        Assert.Equal([1.0, 0.5, 2 / 3.0], result.Groups.Select(g => g.Value));
    }

    [Fact]
    public void Gap_WithOneGroup_IsNaN()
    {
        var result = FairnessGroups.Compute("sex", "accuracy", ["1"], ["1"], ["F"], "1");

        Assert.True(double.IsNaN(result.Gap));
    }

    [Fact]
    public void Compute_UnevenLists_Throw() =>
        Assert.Throws<ArgumentException>(() => FairnessGroups.Compute("sex", "accuracy", ["1"], ["1", "0"], ["F"], "1"));
}
