using Keel.Core.Data.Profiles;
using Keel.Core.Tests.Data.Profiles.Fixtures;

namespace Keel.Core.Tests.Data.Profiles;

/// <summary>
/// Against numpy: Fixtures/NumpyFixture.cs holds 3,000 seeded values and numpy's mean, std (ddof 0), quantiles
/// (method "inverted_cdf") and Sturges histogram, written by Fixtures/make_numpy_fixture.py.
/// </summary>
public sealed class ColumnProfilerNumpyTests
{
    [Fact]
    public void Build_ColumnThatFits_MatchesNumpyExactly()
    {
        var profile = Profile(ProfileOptions.Default);

        Assert.Equal(NumpyFixture.Values.Length, profile.Count);
        Assert.Equal(NumpyFixture.Mean, profile.Mean!.Value, 1e-10);
        Assert.Equal(NumpyFixture.Std, profile.Std!.Value, 1e-10);
        Assert.Equal((NumpyFixture.Min, NumpyFixture.Max), (profile.Min, profile.Max));
        Assert.Equal(NumpyFixture.Ranks, profile.Quantiles!.Select(q => q.Rank));
        Assert.Equal(NumpyFixture.Quantiles, profile.Quantiles!.Select(q => q.Value));
        Assert.Equal(NumpyFixture.HistogramCounts, profile.Histogram!.Counts);
    }

    [Fact]
    public void Build_ColumnThroughTheSketch_QuantilesWithinTheDocumentedRankError()
    {
        const int capacity = 128;
        var profile = Profile(new ProfileOptions { ExactValueLimit = 100, SketchCapacity = capacity });
        var sketch = new QuantileSketch(capacity);
        foreach (var v in NumpyFixture.Values)
        {
            sketch.Add(v);
        }
        var bound = sketch.RankErrorBound;
        var sorted = NumpyFixture.Values.Order().ToArray();
        double n = sorted.Length;

        Assert.True(bound > 0, "the sketch should have compacted");
        foreach (var point in profile.Quantiles!)
        {
            // The value's rank interval in the data: from the share strictly below it to the share at or below it.
            var below = sorted.Count(v => v < point.Value) / n;
            var atOrBelow = sorted.Count(v => v <= point.Value) / n;
            Assert.InRange(point.Rank, below - bound, atOrBelow + bound);
        }
    }

    private static ColumnProfile Profile(ProfileOptions options)
    {
        var profiler = new ColumnProfiler("x", ColumnKinds.Real, options);
        foreach (var v in NumpyFixture.Values)
        {
            profiler.AddNumber(v);
        }
        return profiler.Build();
    }
}
