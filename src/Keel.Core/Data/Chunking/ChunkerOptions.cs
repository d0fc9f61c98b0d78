using Keel.Core.Common;

namespace Keel.Core.Data.Chunking;

/// <summary>
/// Chunk size limits for <see cref="ContentDefinedChunker"/>, in bytes. Every chunk but a stream's last is at least
/// <see cref="MinSize"/> and at most <see cref="MaxSize"/> long; boundaries fall on content so that, on average,
/// chunks are about <see cref="AverageSize"/> long. The defaults are 256 KiB / 1 MiB / 4 MiB.
/// </summary>
public sealed record ChunkerOptions
{
    /// <summary>The smallest average accepted, 64 bytes: only useful in tests.</summary>
    public const int SmallestAverageSize = 64;

    /// <summary>The largest maximum accepted, 256 MiB, so a chunker's buffer (twice the maximum) stays addressable.</summary>
    public const int LargestMaxSize = 256 << 20;

    /// <summary>Checks that 1 ≤ <paramref name="minSize"/> &lt; <paramref name="averageSize"/> &lt; <paramref name="maxSize"/>
    /// ≤ 256 MiB and the average is at least 64 bytes; throws INVALID_PARAMETER_VALUE otherwise.</summary>
    public ChunkerOptions(int minSize, int averageSize, int maxSize)
    {
        if (minSize < 1 || averageSize < SmallestAverageSize || minSize >= averageSize || averageSize >= maxSize || maxSize > LargestMaxSize)
        {
            throw KeelException.InvalidParameter(
                $"Invalid chunk sizes min {minSize}, average {averageSize}, max {maxSize}: expected 1 <= min < average < max <= {LargestMaxSize} and average >= {SmallestAverageSize} bytes.");
        }
        MinSize = minSize;
        AverageSize = averageSize;
        MaxSize = maxSize;
    }

    /// <summary>256 KiB minimum, 1 MiB average, 4 MiB maximum.</summary>
    public static ChunkerOptions Default { get; } = ForAverage(1 << 20);

    /// <summary>Shortest chunk in bytes (except a stream's last).</summary>
    public int MinSize { get; }

    /// <summary>Target average chunk length in bytes.</summary>
    public int AverageSize { get; }

    /// <summary>Longest chunk in bytes.</summary>
    public int MaxSize { get; }

    /// <summary>Limits of a quarter and four times <paramref name="averageSize"/>, the ratio FastCDC's evaluation uses.</summary>
    public static ChunkerOptions ForAverage(int averageSize) =>
        averageSize is < SmallestAverageSize or > LargestMaxSize / 4
            ? throw KeelException.InvalidParameter(
                $"Invalid average chunk size {averageSize}: expected {SmallestAverageSize} to {LargestMaxSize / 4} bytes.")
            : new ChunkerOptions(averageSize / 4, averageSize, averageSize * 4);
}
