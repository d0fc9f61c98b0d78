using Keel.Core.Monitoring.Statistics;
using static Keel.Core.Tests.Monitoring.ReferenceFixtures;

namespace Keel.Core.Tests.Monitoring;

/// <summary>The two-sample KS test against scipy.stats.ks_2samp(method="auto"): exact paths, asymptotic branches, ties.</summary>
public sealed class KolmogorovSmirnovTests
{
    public static TheoryData<string> Cases => CaseNames("ks.json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoSample_MatchesScipy(string name)
    {
        var fixture = Case("ks.json", name);
        var a = Sample(fixture.GetProperty("a"));
        var b = Sample(fixture.GetProperty("b"));

        var result = KolmogorovSmirnov.TwoSample(a, b);

        AssertStatistic(Number(fixture.GetProperty("statistic")), result.Statistic, "statistic");
        AssertPValueRelative(Number(fixture.GetProperty("pvalue")), result.PValue, "p-value");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoSample_IsSymmetric(string name)
    {
        var fixture = Case("ks.json", name);
        var a = Sample(fixture.GetProperty("a"));
        var b = Sample(fixture.GetProperty("b"));

        Assert.Equal(KolmogorovSmirnov.TwoSample(a, b), KolmogorovSmirnov.TwoSample(b, a));
    }

    [Fact]
    public void KolmogorovDistribution_Survival_MatchesScipyKstwoOnEveryBranch()
    {
        using var document = Load("ks.json");
        var failures = new List<string>();
        foreach (var point in document.RootElement.GetProperty("kstwo").EnumerateArray())
        {
            var n = point.GetProperty("n").GetInt32();
            var x = point.GetProperty("x").GetDouble();
            var expected = Number(point.GetProperty("sf"));
            var actual = KolmogorovDistribution.Survival(n, x);
            var tolerance = PValueTolerance * (expected > 1e-300 ? Math.Min(1.0, expected) : 1.0);
            if (!(Math.Abs(expected - actual) <= tolerance))
            {
                failures.Add(FormattableString.Invariant($"n={n} x={x:R}: scipy {expected:R}, keel {actual:R}"));
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void TwoSample_EmptySample_IsNaN()
    {
        var result = KolmogorovSmirnov.TwoSample([], [1.0, 2.0]);

        Assert.True(double.IsNaN(result.Statistic));
        Assert.True(double.IsNaN(result.PValue));
    }

    [Fact]
    public void TwoSample_NonFiniteValues_AreLeftOut()
    {
        var withMissing = KolmogorovSmirnov.TwoSample([1.0, double.NaN, 2.0, double.PositiveInfinity, 3.0], [2.5, double.NegativeInfinity, 4.0]);
        var clean = KolmogorovSmirnov.TwoSample([1.0, 2.0, 3.0], [2.5, 4.0]);

        Assert.Equal(clean, withMissing);
    }
}
