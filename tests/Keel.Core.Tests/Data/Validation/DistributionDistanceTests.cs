using Keel.Core.Data.Validation;

namespace Keel.Core.Tests.Data.Validation;

public sealed class DistributionDistanceTests
{
    [Fact]
    public void Psi_SameShares_IsZero() => Assert.Equal(0, DistributionDistance.Psi([50, 50], [5, 5]), 12);

    [Fact]
    public void Psi_HalfHalfAgainstQuarterThreeQuarters_IsHandComputed()
    {
        // (0.25-0.5)·ln(0.25/0.5) + (0.75-0.5)·ln(0.75/0.5) = 0.25·(ln 2 + ln 1.5)
        Assert.Equal(0.25 * (Math.Log(2) + Math.Log(1.5)), DistributionDistance.Psi([1, 1], [1, 3]), 12);
    }

    [Fact]
    public void Psi_EmptyBuckets_UseTheEpsilon()
    {
        const double e = DistributionDistance.Epsilon;
        Assert.Equal(2 * (1 - e) * Math.Log(1 / e), DistributionDistance.Psi([1, 0], [0, 1]), 9);
    }

    [Fact]
    public void JensenShannon_IsZeroForSameAndOneForDisjoint()
    {
        Assert.Equal(0, DistributionDistance.JensenShannon([3, 1], [6, 2]), 12);
        Assert.Equal(1, DistributionDistance.JensenShannon([1, 0], [0, 1]), 12);
    }

    [Fact]
    public void JensenShannon_HalfHalfAgainstQuarterThreeQuarters_IsHandComputed()
    {
        var divergence = 0.5 * ((0.5 * Math.Log2(0.5 / 0.375)) + (0.5 * Math.Log2(0.5 / 0.625)))
            + (0.5 * ((0.25 * Math.Log2(0.25 / 0.375)) + (0.75 * Math.Log2(0.75 / 0.625))));
        Assert.Equal(Math.Sqrt(divergence), DistributionDistance.JensenShannon([1, 1], [1, 3]), 12);
    }

    [Fact]
    public void Psi_EmptySide_IsNaN() => Assert.True(double.IsNaN(DistributionDistance.Psi([0, 0], [1, 1])));

    [Fact]
    public void Psi_DifferentBuckets_IsRefused() => Assert.Throws<ArgumentException>(() => DistributionDistance.Psi([1], [1, 2]));
}
