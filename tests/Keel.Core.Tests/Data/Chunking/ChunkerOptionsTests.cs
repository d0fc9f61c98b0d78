using Keel.Core.Common;
using Keel.Core.Data.Chunking;

namespace Keel.Core.Tests.Data.Chunking;

public sealed class ChunkerOptionsTests
{
    [Fact]
    public void Default_IsQuarterMebibyteOneMebibyteFourMebibytes()
    {
        var options = ChunkerOptions.Default;

        Assert.Equal((256 * 1024, 1024 * 1024, 4 * 1024 * 1024), (options.MinSize, options.AverageSize, options.MaxSize));
    }

    [Fact]
    public void ForAverage_NotAPowerOfTwo_IsAccepted()
    {
        var options = ChunkerOptions.ForAverage(1000);

        Assert.Equal((250, 1000, 4000), (options.MinSize, options.AverageSize, options.MaxSize));
    }

    [Theory]
    [InlineData(0, 64, 128)]
    [InlineData(64, 64, 128)]
    [InlineData(16, 128, 128)]
    [InlineData(16, 63, 128)]
    [InlineData(100, 50, 200)]
    [InlineData(1024, 4096, (256 << 20) + 1)]
    public void Constructor_SizesOutOfOrderOrTooSmall_AreRefused(int min, int average, int max)
    {
        var error = Assert.Throws<KeelException>(() => new ChunkerOptions(min, average, max));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("min < average < max", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(63)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void ForAverage_OutOfRange_IsRefused(int average)
    {
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => ChunkerOptions.ForAverage(average)).Code);
    }
}
