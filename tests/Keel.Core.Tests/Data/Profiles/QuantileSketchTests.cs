using Keel.Core.Data.Profiles;

namespace Keel.Core.Tests.Data.Profiles;

public sealed class QuantileSketchTests
{
    [Fact]
    public void Quantile_FewerValuesThanCapacity_IsTheExactInverseCdf()
    {
        var sketch = new QuantileSketch();
        foreach (var v in new double[] { 7, 1, 9, 3, 5, 2, 10, 4, 8, 6 })
        {
            sketch.Add(v);
        }

        // n = 10: rank q picks the ceil(10q)-th smallest value.
        Assert.Equal(1, sketch.Quantile(0));
        Assert.Equal(3, sketch.Quantile(0.25));
        Assert.Equal(5, sketch.Quantile(0.5));
        Assert.Equal(9, sketch.Quantile(0.9));
        Assert.Equal(10, sketch.Quantile(0.91));
        Assert.Equal(10, sketch.Quantile(1));
        Assert.Equal(0, sketch.RankErrorBound);
    }

    [Fact]
    public void Quantile_ManyCompactions_StaysWithinTheDocumentedRankError()
    {
        const int n = 20_000;
        var sketch = new QuantileSketch(capacity: 64);
        foreach (var v in Permutation(n))
        {
            sketch.Add(v);
        }

        Assert.Equal(n, sketch.Count);
        Assert.InRange(sketch.RankErrorBound, 0.01, 0.2);
        foreach (var q in ProfileOptions.QuantileRanks)
        {
            // Values are 1..n, so a value's rank is itself / n.
            var rank = sketch.Quantile(q) / n;
            Assert.InRange(rank, q - sketch.RankErrorBound - (1.0 / n), q + sketch.RankErrorBound + (1.0 / n));
        }
    }

    [Fact]
    public void Merge_TwoHalves_CountsBothAndStaysWithinTheBound()
    {
        const int n = 10_000;
        var values = Permutation(n);
        var left = new QuantileSketch(capacity: 32);
        var right = new QuantileSketch(capacity: 32);
        foreach (var v in values.Take(n / 2))
        {
            left.Add(v);
        }
        foreach (var v in values.Skip(n / 2))
        {
            right.Add(v);
        }

        left.Merge(right);

        Assert.Equal(n, left.Count);
        var median = left.Quantile(0.5) / n;
        Assert.InRange(median, 0.5 - left.RankErrorBound - (1.0 / n), 0.5 + left.RankErrorBound + (1.0 / n));
    }

    [Fact]
    public void Quantiles_SameInputTwice_GiveTheSameOutput()
    {
        var first = new QuantileSketch(capacity: 16);
        var second = new QuantileSketch(capacity: 16);
        foreach (var v in Permutation(5_000))
        {
            first.Add(v);
            second.Add(v);
        }

        Assert.Equal(first.Quantiles(ProfileOptions.QuantileRanks), second.Quantiles(ProfileOptions.QuantileRanks));
    }

    [Fact]
    public void Quantile_Empty_IsNaN() => Assert.True(double.IsNaN(new QuantileSketch().Quantile(0.5)));

    [Fact]
    public void Add_NaN_IsRefused() => Assert.Throws<ArgumentException>(() => new QuantileSketch().Add(double.NaN));

    [Fact]
    public void Merge_DifferentCapacities_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new QuantileSketch(8).Merge(new QuantileSketch(16)));

    [Fact]
    public void Quantile_RankOutsideZeroToOne_IsRefused()
    {
        var sketch = new QuantileSketch();
        sketch.Add(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(1.5));
    }

    // 1..n in a fixed scrambled order (multiplying by a unit modulo a prime), so no test depends on a random seed.
    private static double[] Permutation(int n)
    {
        const long prime = 1_000_003;
        return [.. Enumerable.Range(1, (int)prime - 1).Select(i => i * 7919L % prime).Where(v => v <= n).Select(v => (double)v)];
    }
}
