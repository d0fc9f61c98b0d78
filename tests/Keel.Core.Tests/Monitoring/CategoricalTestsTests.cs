using Keel.Core.Monitoring.Statistics;
using static Keel.Core.Tests.Monitoring.ReferenceFixtures;

namespace Keel.Core.Tests.Monitoring;

/// <summary>Chi-squared (scipy.stats.chisquare as Evidently calls it) and Evidently's two-proportions Z-test.</summary>
public sealed class CategoricalTestsTests
{
    public static TheoryData<string> ChiCases => CaseNames("chisquare.json");

    public static TheoryData<string> ZCases => CaseNames("ztest.json");

    [Theory]
    [MemberData(nameof(ChiCases))]
    public void ChiSquaredTest_OnScipysObservedAndExpected_MatchesScipy(string name)
    {
        var fixture = Case("chisquare.json", name);

        var result = ChiSquared.Test(Numbers(fixture.GetProperty("observed")), Numbers(fixture.GetProperty("expected")));

        AssertStatistic(Number(fixture.GetProperty("statistic")), result.Statistic, "chi-squared");
        AssertPValueRelative(Number(fixture.GetProperty("pvalue")), result.PValue, "p-value");
    }

    [Theory]
    [MemberData(nameof(ChiCases))]
    public void FeatureDrift_ChiSquared_MatchesEvidentlyOnScipy(string name)
    {
        var fixture = Case("chisquare.json", name);
        var reference = FeatureValues.Categorical("f", Strings(fixture.GetProperty("reference")));
        var current = FeatureValues.Categorical("f", Strings(fixture.GetProperty("current")));

        var result = FeatureDrift.Evaluate(reference, current, new DriftOptions(DriftMethod.ChiSquared));

        Assert.Null(result.Problem);
        var expectedStatistic = Number(fixture.GetProperty("statistic"));
        if (double.IsFinite(expectedStatistic))
        {
            AssertStatistic(expectedStatistic, result.Statistic!.Value, "chi-squared");
        }
        else
        {
            Assert.Null(result.Statistic);
        }
        AssertPValueRelative(Number(fixture.GetProperty("pvalue")), result.PValue!.Value, "p-value");
        Assert.Equal(result.PValue, result.Score);
        Assert.Equal(Strings(fixture.GetProperty("keys")), result.Histogram.Select(b => b.Category!));
    }

    [Fact]
    public void ChiSquared_CategoryAbsentFromReference_IsInfiniteWithPValueZero()
    {
        var result = ChiSquared.TestCounts([10, 5, 0], [8, 4, 3]);

        Assert.Equal(double.PositiveInfinity, result.Statistic);
        Assert.Equal(0.0, result.PValue);
    }

    [Fact]
    public void ChiSquared_SingleCategory_HasPValueOne()
    {
        var result = ChiSquared.TestCounts([10], [3]);

        Assert.Equal(0.0, result.Statistic);
        Assert.Equal(1.0, result.PValue);
    }

    [Theory]
    [MemberData(nameof(ZCases))]
    public void FeatureDrift_ZTest_MatchesEvidently(string name)
    {
        var fixture = Case("ztest.json", name);
        var reference = FeatureValues.Categorical("f", Strings(fixture.GetProperty("reference")));
        var current = FeatureValues.Categorical("f", Strings(fixture.GetProperty("current")));

        var result = FeatureDrift.Evaluate(reference, current, new DriftOptions(DriftMethod.ZTest));

        Assert.Null(result.Problem);
        AssertStatistic(Number(fixture.GetProperty("statistic")), result.Statistic!.Value, "z");
        AssertPValue(Number(fixture.GetProperty("pvalue")), result.PValue!.Value, "p-value");
    }

    [Fact]
    public void FeatureDrift_BinaryCategoriesUnderThousandRows_ChoosesZTest()
    {
        var result = FeatureDrift.Evaluate(
            FeatureValues.Categorical("f", ["a", "b", "a", null]), FeatureValues.Categorical("f", ["b", "b", "a"]));

        Assert.Equal(DriftMethod.ZTest, result.Method);
        Assert.Equal(3, result.ReferenceCount);
    }
}
