using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring;

/// <summary>The sort behind every numeric statistic: radix above 4096 values, comparison sort below.</summary>
public sealed class SortedSampleTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(50_000)]
    public void FiniteSorted_MixedMagnitudesAndSigns_SortsLikeArraySort_AndDropsNonFinite(int n)
    {
        var random = new Random(n);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = (i % 7) switch
            {
                0 => double.NaN,
                1 => random.NextDouble() < 0.5 ? double.PositiveInfinity : double.NegativeInfinity,
                2 => (random.NextDouble() - 0.5) * 1e300,
                3 => (random.NextDouble() - 0.5) * 1e-310,
                4 => random.Next(-3, 4),
                5 => random.NextDouble() < 0.5 ? -0.0 : 0.0,
                _ => random.NextDouble() - 0.5,
            };
        }
        var expected = values.Where(double.IsFinite).ToArray();
        Array.Sort(expected);

        var sorted = SortedSample.FiniteSorted(values);

        Assert.Equal(expected.Length, sorted.Length);
        for (var i = 0; i < sorted.Length; i++)
        {
            Assert.True(expected[i] == sorted[i], $"index {i}: expected {expected[i]:R}, got {sorted[i]:R}");
        }
    }
}
