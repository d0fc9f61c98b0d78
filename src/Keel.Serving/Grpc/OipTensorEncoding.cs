using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Keel.Core.Models;
using Keel.Core.Serving;
using Keel.Serving.Grpc.Protocol;
using OutputTensor = Keel.Serving.Grpc.Protocol.ModelInferResponse.Types.InferOutputTensor;

namespace Keel.Serving.Grpc;

/// <summary>
/// Output columns as the protocol's tensors: shape [rows, ...row shape], values in the typed contents field of
/// their datatype, or little-endian in raw_output_contents (BYTES as 4-byte length-prefixed UTF-8).
/// </summary>
internal static class OipTensorEncoding
{
    /// <summary>Bytes per value of a fixed-size datatype.</summary>
    public static int SizeOf(string datatype) => datatype switch
    {
        OipDataTypes.Bool or "INT8" or "UINT8" => 1,
        "INT16" or "UINT16" or "FP16" => 2,
        OipDataTypes.Int32 or "UINT32" or OipDataTypes.Fp32 => 4,
        OipDataTypes.Int64 or "UINT64" or OipDataTypes.Fp64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(datatype), datatype, "not a fixed-size datatype"),
    };

    public static void AddOutput(ModelInferResponse response, DataColumn column, bool raw)
    {
        var tensor = new OutputTensor { Name = column.Name, Datatype = OipDataTypes.Of(column.Type) };
        tensor.Shape.Add(column.RowCount);
        tensor.Shape.AddRange(column.RowShape.Select(d => (long)d));
        if (raw)
        {
            response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(Raw(column.Values)));
        }
        else
        {
            tensor.Contents = Typed(column.Values);
        }

        response.Outputs.Add(tensor);
    }

    private static InferTensorContents Typed(Array values)
    {
        var contents = new InferTensorContents();
        switch (values)
        {
            case bool[] bools: contents.BoolContents.AddRange(bools); break;
            case int[] ints: contents.IntContents.AddRange(ints); break;
            case long[] longs: contents.Int64Contents.AddRange(longs); break;
            case float[] floats: contents.Fp32Contents.AddRange(floats); break;
            case double[] doubles: contents.Fp64Contents.AddRange(doubles); break;
            case string[] strings: contents.BytesContents.AddRange(strings.Select(s => ByteString.CopyFromUtf8(s ?? ""))); break;
            default: throw new ArgumentException($"{values.GetType().Name} is not a column's array.", nameof(values));
        }

        return contents;
    }

    private static byte[] Raw(Array values) => values switch
    {
        bool[] bools => Write(bools, 1, (b, v) => b[0] = v ? (byte)1 : (byte)0),
        int[] ints => Write(ints, 4, BinaryPrimitives.WriteInt32LittleEndian),
        long[] longs => Write(longs, 8, BinaryPrimitives.WriteInt64LittleEndian),
        float[] floats => Write(floats, 4, BinaryPrimitives.WriteSingleLittleEndian),
        double[] doubles => Write(doubles, 8, BinaryPrimitives.WriteDoubleLittleEndian),
        string[] strings => WriteStrings(strings),
        _ => throw new ArgumentException($"{values.GetType().Name} is not a column's array.", nameof(values)),
    };

    private delegate void WriteValue<in T>(Span<byte> bytes, T value);

    private static byte[] Write<T>(T[] values, int size, WriteValue<T> write)
    {
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(i * size, size), values[i]);
        }

        return bytes;
    }

    private static byte[] WriteStrings(string[] values)
    {
        var encoded = Array.ConvertAll(values, v => Encoding.UTF8.GetBytes(v ?? ""));
        var bytes = new byte[encoded.Sum(e => 4L + e.Length)];
        var offset = 0;
        foreach (var element in encoded)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)element.Length);
            element.CopyTo(bytes, offset + 4);
            offset += 4 + element.Length;
        }

        return bytes;
    }
}
