using Keel.Core.Monitoring.Statistics;
using static Keel.Core.Tests.Monitoring.ReferenceFixtures;

namespace Keel.Core.Tests.Monitoring;

/// <summary>Wasserstein (scipy) and its normed form, and JS / PSI / K–L on Evidently's binning (numpy, scipy).</summary>
public sealed class DistanceStatisticsTests
{
    public static TheoryData<string> WassersteinCases => CaseNames("wasserstein.json");

    public static TheoryData<string> BinnedCases => CaseNames("binned.json");

    [Theory]
    [MemberData(nameof(WassersteinCases))]
    public void Wasserstein_MatchesScipy(string name)
    {
        var fixture = Case("wasserstein.json", name);
        var a = Sample(fixture.GetProperty("a"));
        var b = Sample(fixture.GetProperty("b"));

        AssertStatistic(Number(fixture.GetProperty("distance")), Wasserstein.Distance(a, b), "distance");
        AssertStatistic(Number(fixture.GetProperty("distance")), Wasserstein.Distance(b, a), "distance reversed");
        AssertStatistic(Number(fixture.GetProperty("normed")), Wasserstein.Normed(a, b), "normed");
    }

    [Theory]
    [MemberData(nameof(WassersteinCases))]
    public void FeatureDrift_Wasserstein_ScoreIsNormedDistance(string name)
    {
        var fixture = Case("wasserstein.json", name);

        var result = FeatureDrift.Evaluate(
            FeatureValues.Numeric("f", Sample(fixture.GetProperty("a"))), FeatureValues.Numeric("f", Sample(fixture.GetProperty("b"))),
            new DriftOptions(DriftMethod.Wasserstein));

        AssertStatistic(Number(fixture.GetProperty("normed")), result.Score!.Value, "score");
        AssertStatistic(Number(fixture.GetProperty("distance")), result.Statistic!.Value, "statistic");
        Assert.Null(result.PValue);
        Assert.Equal(result.Score >= 0.1, result.Drifted);
    }

    [Theory]
    [MemberData(nameof(BinnedCases))]
    public void BinnedDistances_MatchEvidentlyOnScipy(string name)
    {
        var fixture = Case("binned.json", name);
        var numeric = fixture.GetProperty("numeric").GetBoolean();
        FeatureValues Values(string property) => numeric
            ? FeatureValues.Numeric("f", Sample(fixture.GetProperty(property)))
            : FeatureValues.Categorical("f", Strings(fixture.GetProperty(property)));
        var reference = Values("reference");
        var current = Values("current");

        foreach (var (method, key) in new[] { (DriftMethod.JensenShannon, "jensenshannon"), (DriftMethod.Psi, "psi"), (DriftMethod.KullbackLeibler, "kl_div") })
        {
            var result = FeatureDrift.Evaluate(reference, current, new DriftOptions(method));
            Assert.Null(result.Problem);
            AssertStatistic(Number(fixture.GetProperty(key)), result.Score!.Value, key);
        }
    }

    [Theory]
    [MemberData(nameof(BinnedCases))]
    public void NumericHistogram_HasNumpysSturgesEdgesAndShares(string name)
    {
        var fixture = Case("binned.json", name);
        if (fixture.GetProperty("edges").ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            Assert.False(fixture.GetProperty("numeric").GetBoolean() && name.Contains("Sturges", StringComparison.Ordinal));
            return;
        }
        var result = FeatureDrift.Evaluate(
            FeatureValues.Numeric("f", Sample(fixture.GetProperty("reference"))), FeatureValues.Numeric("f", Sample(fixture.GetProperty("current"))));

        var edges = Numbers(fixture.GetProperty("edges"));
        Assert.Equal(edges[..^1], result.Histogram.Select(b => b.Lower!.Value));
        Assert.Equal(edges[1..], result.Histogram.Select(b => b.Upper!.Value));
        Assert.Equal(Numbers(fixture.GetProperty("reference_shares")), result.Histogram.Select(b => b.ReferenceShare));
        Assert.Equal(Numbers(fixture.GetProperty("current_shares")), result.Histogram.Select(b => b.CurrentShare));
    }

    [Fact]
    public void FillEmptyBins_ReplacesZerosWithEvidentlysShare()
    {
        double[] ordinary = [0.5, 0, 0.5];
        double[] tiny = [0.99995, 0.00005, 0];

        Binning.FillEmptyBins(ordinary);
        Binning.FillEmptyBins(tiny);

        Assert.Equal([0.5, 0.0001, 0.5], ordinary);
        Assert.Equal([0.99995, 0.00005, 0.00005 / 1e6], tiny);
    }

    [Fact]
    public void JensenShannon_IdenticalDistributions_IsZero_AndDisjoint_IsSqrtLn2()
    {
        Assert.Equal(0.0, Divergence.JensenShannon([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]));
        Assert.Equal(Math.Sqrt(Math.Log(2)), Divergence.JensenShannon([1.0, 0.0], [0.0, 1.0]), 15);
    }
}
