using Keel.Core.Data.Profiles;

namespace Keel.Core.Tests.Data.Profiles;

public sealed class MomentAccumulatorTests
{
    [Fact]
    public void Add_TextbookValues_GiveMeanFiveStdTwo()
    {
        var moments = Of(2, 4, 4, 4, 5, 5, 7, 9);

        Assert.Equal(8, moments.Count);
        Assert.Equal(2, moments.Min);
        Assert.Equal(9, moments.Max);
        Assert.Equal(5, moments.Mean, 12);
        Assert.Equal(2, moments.Std, 12);
    }

    [Fact]
    public void Add_HugeValues_DoNotOverflow()
    {
        // Squares of 1e300 overflow a double; the mean is 2e300 and the population std 1e300.
        var moments = Of(1e300, 3e300);

        Assert.Equal(2e300, moments.Mean, 1e288);
        Assert.Equal(1e300, moments.Std, 1e288);
    }

    [Fact]
    public void Add_LargeOffset_KeepsPrecision()
    {
        // Naive sum-of-squares loses all digits here; Welford does not. std of {1e9+4, 1e9+7, 1e9+13, 1e9+16} is sqrt(22.5).
        var moments = Of(1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16);

        Assert.Equal(1e9 + 10, moments.Mean, 6);
        Assert.Equal(Math.Sqrt(22.5), moments.Std, 6);
    }

    [Fact]
    public void Merge_EqualsAddingEverythingToOne()
    {
        var left = Of(1, 2, 3, 1e6);
        left.Merge(Of(-5, 8, 2.5));
        var all = Of(1, 2, 3, 1e6, -5, 8, 2.5);

        Assert.Equal(all.Count, left.Count);
        Assert.Equal(all.Mean, left.Mean, 9);
        Assert.Equal(all.Std, left.Std, 9);
        Assert.Equal((all.Min, all.Max), (left.Min, left.Max));
    }

    private static MomentAccumulator Of(params double[] values)
    {
        var moments = new MomentAccumulator();
        foreach (var v in values)
        {
            moments.Add(v);
        }
        return moments;
    }
}
