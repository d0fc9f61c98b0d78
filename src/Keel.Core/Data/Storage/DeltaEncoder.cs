namespace Keel.Core.Data.Storage;

/// <summary>
/// Encodes a target as copy/insert operations against a base (rsync/xdelta-style block matching). The base is indexed
/// by a hash of the <see cref="Window"/> bytes at every <see cref="Step"/>-th offset; the target is scanned with a
/// rolling hash of the same window, and each verified hit is extended forwards and backwards as far as the bytes agree,
/// so any run of at least <c>Window + Step - 1</c> shared bytes becomes one copy. Operations, all varints (LEB128):
/// <c>len&lt;&lt;1</c> then <c>len</c> literal bytes (insert); <c>len&lt;&lt;1 | 1</c> then the zigzag difference between
/// the copy's base offset and the end of the previous copy (copy). See <see cref="DeltaDecoder"/>.
/// </summary>
internal static class DeltaEncoder
{
    public const int Window = 32;

    public const int Step = 16;

    private const ulong Multiplier = 0x100000001B3;

    private static readonly ulong OutFactor = Power(Multiplier, Window - 1);

    /// <summary>
    /// The operations turning <paramref name="baseContent"/> into <paramref name="target"/>, or null as soon as more than
    /// <paramref name="maxLiteralBytes"/> of the target have no match (the two are too different for a delta to pay).
    /// </summary>
    public static byte[]? Encode(ReadOnlySpan<byte> baseContent, ReadOnlySpan<byte> target, int maxLiteralBytes)
    {
        var output = new DeltaWriter(Math.Max(64, target.Length / 64));
        if (baseContent.Length < Window || target.Length < Window)
        {
            return target.Length > maxLiteralBytes ? null : output.Insert(target).Written.ToArray();
        }
        var (table, shift) = Index(baseContent);
        int position = 0, literalStart = 0;
        long literal = 0;
        var hash = Hash(target[..Window]);
        while (position + Window <= target.Length)
        {
            var candidate = table[(int)((hash * 0x9E3779B97F4A7C15) >> shift)] - 1;
            if (candidate >= 0 && baseContent.Slice(candidate, Window).SequenceEqual(target.Slice(position, Window)))
            {
                var back = 0;
                while (position - back > literalStart && candidate - back > 0 && baseContent[candidate - back - 1] == target[position - back - 1])
                {
                    back++;
                }
                var forward = baseContent[(candidate + Window)..].CommonPrefixLength(target[(position + Window)..]);
                literal += position - back - literalStart;
                output.Insert(target[literalStart..(position - back)]);
                output.Copy(candidate - back, Window + back + forward);
                position += Window + forward;
                literalStart = position;
                if (position + Window <= target.Length)
                {
                    hash = Hash(target.Slice(position, Window));
                }
                continue;
            }
            if (literal + position - literalStart >= maxLiteralBytes)
            {
                return null;
            }
            if (position + Window < target.Length)
            {
                hash = ((hash - (target[position] * OutFactor)) * Multiplier) + target[position + Window];
            }
            position++;
        }
        literal += target.Length - literalStart;
        return literal > maxLiteralBytes ? null : output.Insert(target[literalStart..]).Written.ToArray();
    }

    // Slots hold offset + 1 (0 = empty); a later window with the same slot wins, which costs only a missed match.
    private static (int[] Table, int Shift) Index(ReadOnlySpan<byte> baseContent)
    {
        var windows = ((baseContent.Length - Window) / Step) + 1;
        var bits = Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)windows * 2), 10, 26);
        var table = new int[1 << bits];
        var shift = 64 - bits;
        for (var offset = 0; offset + Window <= baseContent.Length; offset += Step)
        {
            table[(int)((Hash(baseContent.Slice(offset, Window)) * 0x9E3779B97F4A7C15) >> shift)] = offset + 1;
        }
        return (table, shift);
    }

    private static ulong Hash(ReadOnlySpan<byte> window)
    {
        ulong hash = 0;
        foreach (var b in window)
        {
            hash = (hash * Multiplier) + b;
        }
        return hash;
    }

    private static ulong Power(ulong value, int exponent)
    {
        ulong result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= value;
        }
        return result;
    }

    /// <summary>Appends operations to a growing buffer.</summary>
    private sealed class DeltaWriter(int capacity)
    {
        private byte[] _buffer = new byte[capacity];
        private int _length;
        private long _expected;

        public DeltaWriter Insert(ReadOnlySpan<byte> literal)
        {
            if (!literal.IsEmpty)
            {
                VarInt((ulong)literal.Length << 1);
                Ensure(literal.Length);
                literal.CopyTo(_buffer.AsSpan(_length));
                _length += literal.Length;
            }
            return this;
        }

        public void Copy(long offset, long length)
        {
            VarInt(((ulong)length << 1) | 1);
            var difference = offset - _expected;
            VarInt((ulong)((difference << 1) ^ (difference >> 63)));
            _expected = offset + length;
        }

        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

        private void VarInt(ulong value)
        {
            Ensure(10);
            while (value >= 0x80)
            {
                _buffer[_length++] = (byte)(value | 0x80);
                value >>= 7;
            }
            _buffer[_length++] = (byte)value;
        }

        private void Ensure(int more)
        {
            if (_length + more > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
            }
        }
    }
}
