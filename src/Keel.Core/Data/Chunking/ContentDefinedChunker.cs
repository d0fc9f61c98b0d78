using System.Buffers;

namespace Keel.Core.Data.Chunking;

/// <summary>
/// Splits a byte stream into content-defined chunks with FastCDC (Xia et al., USENIX ATC 2016): a gear rolling hash
/// over the bytes, no cut before <see cref="ChunkerOptions.MinSize"/>, and normalized chunking — a stricter mask
/// before <see cref="ChunkerOptions.AverageSize"/> and a looser one after — so sizes cluster near the average.
/// Because a boundary depends only on the bytes just before it, inserting or deleting bytes moves the boundaries
/// near the edit only; later chunks keep their bytes and so their hashes.
/// </summary>
public sealed class ContentDefinedChunker
{
    // Normalization level 2: the masks have two bits more and two bits fewer than log2(average).
    private const int NormalizationBits = 2;

    private readonly ulong _strictMask;
    private readonly ulong _looseMask;

    public ContentDefinedChunker(ChunkerOptions options)
    {
        Options = options;
        var bits = (int)Math.Round(Math.Log2(options.AverageSize));
        _strictMask = HighBits(bits + NormalizationBits);
        _looseMask = HighBits(bits - NormalizationBits);
    }

    public ChunkerOptions Options { get; }

    /// <summary>
    /// The length of the first chunk of <paramref name="data"/>. The answer is final only when <paramref name="data"/>
    /// holds at least <see cref="ChunkerOptions.MaxSize"/> bytes or runs to the end of the input.
    /// </summary>
    public int NextCut(ReadOnlySpan<byte> data)
    {
        if (data.Length <= Options.MinSize)
        {
            return data.Length;
        }
        var end = Math.Min(data.Length, Options.MaxSize);
        var normal = Math.Min(Options.AverageSize, end);
        var gear = GearTable.Values;
        ulong hash = 0;
        var i = Options.MinSize;
        for (; i < normal; i++)
        {
            hash = (hash << 1) + gear[data[i]];
            if ((hash & _strictMask) == 0)
            {
                return i + 1;
            }
        }
        for (; i < end; i++)
        {
            hash = (hash << 1) + gear[data[i]];
            if ((hash & _looseMask) == 0)
            {
                return i + 1;
            }
        }
        return end;
    }

    /// <summary>
    /// Reads <paramref name="input"/> to its end and yields its chunks in order; an empty stream yields none. Each chunk
    /// is a view of an internal buffer of at most twice <see cref="ChunkerOptions.MaxSize"/> bytes, valid only until
    /// the next chunk is requested, so memory stays bounded whatever the stream's length.
    /// </summary>
    public IEnumerable<ReadOnlyMemory<byte>> Split(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSizeFor(input));
        try
        {
            int start = 0, end = 0;
            var finished = false;
            while (true)
            {
                if (!finished && end - start < Options.MaxSize)
                {
                    // Slide the unread tail to the front and top the buffer up, so a cut is always decided on a full window.
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                    finished = Fill(input, buffer, ref end);
                    if (!finished && buffer.Length < 2 * Options.MaxSize)
                    {
                        // The stream outgrew the length it reported (a file still being written): take a full-size buffer.
                        var larger = ArrayPool<byte>.Shared.Rent(2 * Options.MaxSize);
                        Buffer.BlockCopy(buffer, 0, larger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                        finished = Fill(input, buffer, ref end);
                    }
                }
                if (start == end)
                {
                    yield break;
                }
                var cut = NextCut(buffer.AsSpan(start, end - start));
                yield return buffer.AsMemory(start, cut);
                start += cut;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // A small file need not rent a buffer of twice the maximum chunk size; one byte more than it holds lets Fill see the end.
    private int BufferSizeFor(Stream input)
    {
        var full = 2 * Options.MaxSize;
        return input.CanSeek ? (int)Math.Clamp(input.Length - input.Position + 1, 1, full) : full;
    }

    /// <summary>Reads until the buffer is full or the input ends; true at the end of the input.</summary>
    private static bool Fill(Stream input, byte[] buffer, ref int end)
    {
        while (end < buffer.Length)
        {
            var read = input.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                return true;
            }
            end += read;
        }
        return false;
    }

    private static ulong HighBits(int count) => ~0UL << (64 - count);
}
