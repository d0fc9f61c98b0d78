using Keel.Core.Tracking;
using Keel.Web.Api;

namespace Keel.Web.Tests;

public sealed class MetricDownsamplerTests
{
    private static Metric[] Line(int count) => [.. Enumerable.Range(0, count).Select(i => new Metric("m", i % 7, i, i))];

    [Fact]
    public void Downsample_FewerPointsThanTheLimit_ReturnsThemAll()
    {
        var points = Line(50);

        Assert.Same(points, MetricDownsampler.Downsample(points, 100));
    }

    [Theory]
    [InlineData(100_000, 1000)]
    [InlineData(1001, 1000)]
    [InlineData(10, 3)]
    public void Downsample_ManyPoints_StaysWithinTheLimitInStepOrder(int count, int limit)
    {
        var result = MetricDownsampler.Downsample(Line(count), limit);

        Assert.InRange(result.Count, limit / 2, limit);
        Assert.Equal(result.Select(m => m.Step).Order(), result.Select(m => m.Step));
    }

    [Fact]
    public void Downsample_KeepsASingleSpikeAndDip()
    {
        var points = Line(100_000);
        points[54_321] = points[54_321] with { Value = 1e6 };
        points[12_345] = points[12_345] with { Value = -1e6 };

        var result = MetricDownsampler.Downsample(points, 500);

        Assert.Contains(result, m => m.Step == 54_321);
        Assert.Contains(result, m => m.Step == 12_345);
    }
}
