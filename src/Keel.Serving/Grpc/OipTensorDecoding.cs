using System.Buffers.Binary;
using System.Text;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Serving;
using Keel.Serving.Grpc.Protocol;

namespace Keel.Serving.Grpc;

/// <summary>
/// An input tensor's values, from typed contents or little-endian raw bytes, as the array its column holds.
/// A column takes its own datatype and the narrower ones every value of which it represents exactly; nothing
/// that could round or overflow.
/// </summary>
internal static class OipTensorDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Dictionary<DataType, string[]> Accepted = new()
    {
        [DataType.Boolean] = [OipDataTypes.Bool],
        [DataType.Int32] = [OipDataTypes.Int32, "INT16", "INT8", "UINT16", "UINT8"],
        [DataType.Int64] = [OipDataTypes.Int64, OipDataTypes.Int32, "INT16", "INT8", "UINT32", "UINT16", "UINT8"],
        [DataType.Float32] = [OipDataTypes.Fp32, "FP16", "INT16", "INT8", "UINT16", "UINT8"],
        [DataType.Float64] = [OipDataTypes.Fp64, OipDataTypes.Fp32, "FP16", OipDataTypes.Int32, "INT16", "INT8", "UINT32", "UINT16", "UINT8"],
        [DataType.String] = [OipDataTypes.Bytes],
    };

    private delegate T ReadValue<out T>(ReadOnlySpan<byte> bytes);

    public static void RequireAccepted(string name, string datatype, DataType column)
    {
        if (!OipDataTypes.All.Contains(datatype))
        {
            throw KeelException.InvalidParameter(
                $"Input '{name}' has datatype '{datatype}', which the protocol does not define ({string.Join(", ", OipDataTypes.All)}).");
        }

        if (!Accepted[column].Contains(datatype))
        {
            throw KeelException.InvalidParameter(
                $"Input '{name}' has datatype {datatype}; the model takes {OipDataTypes.Of(column)} there (accepted: {string.Join(", ", Accepted[column])}).");
        }
    }

    /// <summary>The values of typed contents: int8..int32 and uint8/uint16 as int[], uint32 as long[].</summary>
    public static Array DecodeTyped(string name, string datatype, IEnumerable<long> shape, InferTensorContents? contents, int count)
    {
        contents ??= new InferTensorContents();
        var field = datatype switch
        {
            OipDataTypes.Bool => "bool_contents",
            "INT8" or "INT16" or OipDataTypes.Int32 => "int_contents",
            OipDataTypes.Int64 => "int64_contents",
            "UINT8" or "UINT16" or "UINT32" => "uint_contents",
            OipDataTypes.Fp32 => "fp32_contents",
            OipDataTypes.Fp64 => "fp64_contents",
            OipDataTypes.Bytes => "bytes_contents",
            _ => throw KeelException.InvalidParameter($"Input '{name}' is {datatype}, which has no typed contents; send it in raw_input_contents."),
        };

        var filled = Fields(contents).Where(f => f.Count > 0).ToList();
        var stray = filled.FirstOrDefault(f => f.Field != field);
        if (stray.Field is not null)
        {
            throw KeelException.InvalidParameter($"Input '{name}' is {datatype}, whose values go in {field}, but it has {stray.Field}.");
        }

        var given = filled.Count == 0 ? 0 : filled[0].Count;
        if (given != count)
        {
            throw KeelException.InvalidParameter(
                $"Input '{name}' has {given} values in {field}; shape {OipInputReader.Format(shape)} needs {count}.");
        }

        return datatype switch
        {
            OipDataTypes.Bool => contents.BoolContents.ToArray(),
            "INT8" => InRange(name, datatype, contents.IntContents, sbyte.MinValue, sbyte.MaxValue),
            "INT16" => InRange(name, datatype, contents.IntContents, short.MinValue, short.MaxValue),
            OipDataTypes.Int32 => contents.IntContents.ToArray(),
            OipDataTypes.Int64 => contents.Int64Contents.ToArray(),
            "UINT8" => InRange(name, datatype, contents.UintContents.Select(v => (long)v), byte.MinValue, byte.MaxValue),
            "UINT16" => InRange(name, datatype, contents.UintContents.Select(v => (long)v), ushort.MinValue, ushort.MaxValue),
            "UINT32" => contents.UintContents.Select(v => (long)v).ToArray(),
            OipDataTypes.Fp32 => contents.Fp32Contents.ToArray(),
            OipDataTypes.Fp64 => contents.Fp64Contents.ToArray(),
            _ => contents.BytesContents.Select((b, i) => Utf8(name, b.Span, i)).ToArray(),
        };
    }

    /// <summary>The values of one raw_input_contents entry, as <see cref="DecodeTyped"/> returns them.</summary>
    public static Array DecodeRaw(string name, string datatype, IEnumerable<long> shape, ReadOnlySpan<byte> bytes, int count)
    {
        if (datatype == OipDataTypes.Bytes)
        {
            return DecodeStrings(name, shape, bytes, count);
        }

        var size = OipTensorEncoding.SizeOf(datatype);
        if (bytes.Length != (long)count * size)
        {
            throw KeelException.InvalidParameter(
                $"Input '{name}' has {bytes.Length} bytes in raw_input_contents; shape {OipInputReader.Format(shape)} of {datatype} needs {(long)count * size} ({size} per value).");
        }

        return datatype switch
        {
            OipDataTypes.Bool => Read(bytes, size, b => b[0] != 0),
            "INT8" => Read(bytes, size, b => (int)(sbyte)b[0]),
            "UINT8" => Read(bytes, size, b => (int)b[0]),
            "INT16" => Read(bytes, size, b => (int)BinaryPrimitives.ReadInt16LittleEndian(b)),
            "UINT16" => Read(bytes, size, b => (int)BinaryPrimitives.ReadUInt16LittleEndian(b)),
            OipDataTypes.Int32 => Read(bytes, size, BinaryPrimitives.ReadInt32LittleEndian),
            "UINT32" => Read(bytes, size, b => (long)BinaryPrimitives.ReadUInt32LittleEndian(b)),
            OipDataTypes.Int64 => Read(bytes, size, BinaryPrimitives.ReadInt64LittleEndian),
            "FP16" => Read(bytes, size, b => (float)BinaryPrimitives.ReadHalfLittleEndian(b)),
            OipDataTypes.Fp32 => Read(bytes, size, BinaryPrimitives.ReadSingleLittleEndian),
            OipDataTypes.Fp64 => Read(bytes, size, BinaryPrimitives.ReadDoubleLittleEndian),
            _ => throw KeelException.InvalidParameter($"Input '{name}' is {datatype}, which Keel does not read."),
        };
    }

    /// <summary>Widens decoded values to the column's type; <see cref="RequireAccepted"/> has vetted the pair.</summary>
    public static Array Convert(Array values, DataType column) => (column, values) switch
    {
        (DataType.Int64, int[] ints) => Array.ConvertAll(ints, v => (long)v),
        (DataType.Float32, int[] ints) => Array.ConvertAll(ints, v => (float)v),
        (DataType.Float64, int[] ints) => Array.ConvertAll(ints, v => (double)v),
        (DataType.Float64, long[] longs) => Array.ConvertAll(longs, v => (double)v),
        (DataType.Float64, float[] floats) => Array.ConvertAll(floats, v => (double)v),
        _ => values,
    };

    private static (string Field, int Count)[] Fields(InferTensorContents contents) =>
    [
        ("bool_contents", contents.BoolContents.Count),
        ("int_contents", contents.IntContents.Count),
        ("int64_contents", contents.Int64Contents.Count),
        ("uint_contents", contents.UintContents.Count),
        ("uint64_contents", contents.Uint64Contents.Count),
        ("fp32_contents", contents.Fp32Contents.Count),
        ("fp64_contents", contents.Fp64Contents.Count),
        ("bytes_contents", contents.BytesContents.Count),
    ];

    private static int[] InRange(string name, string datatype, IEnumerable<int> values, long min, long max) =>
        InRange(name, datatype, values.Select(v => (long)v), min, max);

    private static int[] InRange(string name, string datatype, IEnumerable<long> values, long min, long max) =>
    [
        .. values.Select(v => v >= min && v <= max
            ? (int)v
            : throw KeelException.InvalidParameter($"Input '{name}' is {datatype} but holds {v}, outside {datatype}'s range [{min}, {max}]."))
    ];

    private static T[] Read<T>(ReadOnlySpan<byte> bytes, int size, ReadValue<T> read)
    {
        var values = new T[bytes.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read(bytes.Slice(i * size, size));
        }

        return values;
    }

    // BYTES raw: each element is a 4-byte little-endian length, then that many bytes.
    private static string[] DecodeStrings(string name, IEnumerable<long> shape, ReadOnlySpan<byte> bytes, int count)
    {
        var values = new List<string>(Math.Min(count, 1 << 16));
        var offset = 0;
        while (offset < bytes.Length)
        {
            var left = bytes.Length - offset - 4;
            var length = left >= 0 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]) : 0;
            if (left < 0 || length > (uint)left)
            {
                throw KeelException.InvalidParameter(
                    $"Input '{name}': BYTES element {values.Count} in raw_input_contents runs past the end; each element is a 4-byte little-endian length, then its bytes.");
            }

            values.Add(Utf8(name, bytes.Slice(offset + 4, (int)length), values.Count));
            offset += 4 + (int)length;
        }

        if (values.Count != count)
        {
            throw KeelException.InvalidParameter(
                $"Input '{name}' has {values.Count} BYTES elements in raw_input_contents; shape {OipInputReader.Format(shape)} needs {count}.");
        }

        return [.. values];
    }

    private static string Utf8(string name, ReadOnlySpan<byte> bytes, int index)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw KeelException.InvalidParameter($"Input '{name}': BYTES element {index} is not valid UTF-8.");
        }
    }
}
