namespace Keel.Core.Data.Storage;

/// <summary>Applies the operations written by <see cref="DeltaEncoder"/>, checking every bound: damaged operations fail, never overrun.</summary>
internal static class DeltaDecoder
{
    /// <summary>Fills <paramref name="target"/> exactly from <paramref name="baseContent"/> and <paramref name="operations"/>; false when they do not fit.</summary>
    public static bool TryApply(ReadOnlySpan<byte> baseContent, ReadOnlySpan<byte> operations, Span<byte> target)
    {
        int read = 0, written = 0;
        long expected = 0;
        while (read < operations.Length)
        {
            if (!TryVarInt(operations, ref read, out var op) || (op >> 1) > (ulong)(target.Length - written))
            {
                return false;
            }
            var length = (int)(op >> 1);
            if ((op & 1) == 1)
            {
                if (!TryVarInt(operations, ref read, out var zigzag))
                {
                    return false;
                }
                var offset = expected + ((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
                if (offset < 0 || offset > baseContent.Length - length)
                {
                    return false;
                }
                baseContent.Slice((int)offset, length).CopyTo(target[written..]);
                expected = offset + length;
            }
            else
            {
                if (length > operations.Length - read)
                {
                    return false;
                }
                operations.Slice(read, length).CopyTo(target[written..]);
                read += length;
            }
            written += length;
        }
        return written == target.Length;
    }

    private static bool TryVarInt(ReadOnlySpan<byte> source, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < source.Length; shift += 7)
        {
            var b = source[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }
        return false;
    }
}
