using Keel.Core.Data.Profiles;

namespace Keel.Core.Tests.Data.Profiles;

public sealed class HistogramBinsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(8, 4)]
    [InlineData(9, 5)]
    [InlineData(1000, 11)]
    public void SturgesCount_IsCeilLog2NPlusOne(long n, int bins) => Assert.Equal(bins, HistogramBins.SturgesCount(n));

    [Fact]
    public void Edges_EqualWidthFromMinToMax() => Assert.Equal([0, 2, 4, 6, 8, 10], HistogramBins.Edges(0, 10, 5));

    [Fact]
    public void Edges_OneValue_IsOneBin() => Assert.Equal([3, 3], HistogramBins.Edges(3, 3, 4));

    [Fact]
    public void Edges_RangeBeyondDouble_StaysFinite()
    {
        var edges = HistogramBins.Edges(-1e308, 1e308, 2);

        Assert.Equal([-1e308, 0, 1e308], edges);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1.99, 0)]
    [InlineData(2, 1)]
    [InlineData(9.5, 4)]
    [InlineData(10, 4)]
    [InlineData(-0.1, -1)]
    [InlineData(10.1, 5)]
    public void IndexOf_LowerEdgeInclusive_LastBinClosed(double value, int bin) =>
        Assert.Equal(bin, HistogramBins.IndexOf([0, 2, 4, 6, 8, 10], value));
}
