using System.Buffers.Binary;
using System.Text;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Serving.Grpc;

namespace Keel.Serving.Tests.Grpc;

public sealed class OipTensorDecodingTests
{
    [Fact]
    public void DecodeRaw_LengthPrefixedBytes_ReadsUtf8Strings()
    {
        var bytes = LengthPrefixed("héllo", "", "wörld");

        var values = OipTensorDecoding.DecodeRaw("words", "BYTES", [3], bytes, 3);

        Assert.Equal(["héllo", "", "wörld"], (string[])values);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void DecodeRaw_BytesElementCountDiffersFromShape_ThrowsNamingInput(int count)
    {
        var error = Assert.Throws<KeelException>(() => OipTensorDecoding.DecodeRaw("words", "BYTES", [count], LengthPrefixed("a", "b", "c"), count));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'words'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 5, 0, 0, 0, 1, 2 })]
    [InlineData(new byte[] { 1, 0 })]
    public void DecodeRaw_TruncatedBytesElement_ThrowsNamingInput(byte[] bytes)
    {
        var error = Assert.Throws<KeelException>(() => OipTensorDecoding.DecodeRaw("words", "BYTES", [1], bytes, 1));

        Assert.Contains("'words'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeRaw_InvalidUtf8_ThrowsNamingInput()
    {
        var error = Assert.Throws<KeelException>(() => OipTensorDecoding.DecodeRaw("words", "BYTES", [1], [1, 0, 0, 0, 0xFF], 1));

        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeRaw_LittleEndianIntegers_WidenToInt64Column()
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, -7);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 1 << 20);

        var values = OipTensorDecoding.Convert(OipTensorDecoding.DecodeRaw("n", "INT32", [2], bytes, 2), DataType.Int64);

        Assert.Equal([-7L, 1L << 20], (long[])values);
    }

    [Fact]
    public void DecodeRaw_Fp16_WidensToFp64Column()
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)1.5f);

        var values = OipTensorDecoding.Convert(OipTensorDecoding.DecodeRaw("h", "FP16", [1], bytes, 1), DataType.Float64);

        Assert.Equal([1.5], (double[])values);
    }

    [Theory]
    [InlineData("INT64", DataType.Int32)]
    [InlineData("FP64", DataType.Float32)]
    [InlineData("INT32", DataType.Float32)]
    [InlineData("UINT64", DataType.Int64)]
    [InlineData("BOOL", DataType.Int32)]
    [InlineData("FP32", DataType.String)]
    [InlineData("float32", DataType.Float32)]
    public void RequireAccepted_LossyOrUnknownDatatype_ThrowsNamingInput(string datatype, DataType column)
    {
        var error = Assert.Throws<KeelException>(() => OipTensorDecoding.RequireAccepted("feature", datatype, column));

        Assert.Contains("'feature'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INT32", DataType.Int64)]
    [InlineData("INT32", DataType.Float64)]
    [InlineData("FP32", DataType.Float64)]
    [InlineData("UINT8", DataType.Float32)]
    [InlineData("BYTES", DataType.String)]
    public void RequireAccepted_ExactOrLosslessWidening_Passes(string datatype, DataType column) =>
        OipTensorDecoding.RequireAccepted("feature", datatype, column);

    private static byte[] LengthPrefixed(params string[] values)
    {
        using var stream = new MemoryStream();
        foreach (var value in values)
        {
            var utf8 = Encoding.UTF8.GetBytes(value);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
            stream.Write(length);
            stream.Write(utf8);
        }

        return stream.ToArray();
    }
}
