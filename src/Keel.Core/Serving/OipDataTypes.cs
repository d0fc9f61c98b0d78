using Keel.Core.Models;

namespace Keel.Core.Serving;

/// <summary>
/// The Open Inference Protocol's tensor datatypes (BOOL, INT32, INT64, FP32, FP64, BYTES, …) and Keel's
/// <see cref="DataType"/>. Keel answers with the six it represents; on input it also accepts the narrower integer
/// and unsigned types where every value fits the column it feeds.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The constants name the protocol's datatypes on purpose.")]
public static class OipDataTypes
{
    public const string Bool = "BOOL";
    public const string Int32 = "INT32";
    public const string Int64 = "INT64";
    public const string Fp32 = "FP32";
    public const string Fp64 = "FP64";
    public const string Bytes = "BYTES";

    /// <summary>Every datatype name the protocol defines.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Bool, "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", Int32, Int64, "FP16", Fp32, Fp64, Bytes,
    };

    public static string Of(DataType type) => type switch
    {
        DataType.Boolean => Bool,
        DataType.Int32 => Int32,
        DataType.Int64 => Int64,
        DataType.Float32 => Fp32,
        DataType.Float64 => Fp64,
        DataType.String => Bytes,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown data type"),
    };

    /// <summary>The Keel type a datatype names exactly, or null (narrow, unsigned and FP16 types have none).</summary>
    public static DataType? ToDataType(string datatype) => datatype switch
    {
        Bool => DataType.Boolean,
        Int32 => DataType.Int32,
        Int64 => DataType.Int64,
        Fp32 => DataType.Float32,
        Fp64 => DataType.Float64,
        Bytes => DataType.String,
        _ => null,
    };

    /// <summary>
    /// Whether a tensor of <paramref name="datatype"/> may feed a column of <paramref name="type"/>: the same type, or
    /// one that widens without loss (FP16/FP32 into FP64, INT8/INT16/INT32/UINT8/UINT16/UINT32 into FP64, the
    /// 8- and 16-bit integers into FP32). Integer datatypes feed either integer column except INT64 into INT32; the
    /// reader then checks that every value fits.
    /// </summary>
    public static bool CanFeed(string datatype, DataType type) => type switch
    {
        DataType.Boolean => datatype == Bool,
        DataType.String => datatype == Bytes,
        DataType.Int32 => IntegerRange(datatype) is not null && datatype != Int64,
        DataType.Int64 => IntegerRange(datatype) is not null,
        DataType.Float32 => datatype is "FP16" or Fp32 or "INT8" or "INT16" or "UINT8" or "UINT16",
        DataType.Float64 => datatype is "FP16" or Fp32 or Fp64 or "INT8" or "INT16" or Int32 or "UINT8" or "UINT16" or "UINT32",
        _ => false,
    };

    // The values an integer datatype holds, as far as a long reaches; null for the other datatypes.
    internal static (long Min, long Max)? IntegerRange(string datatype) => datatype switch
    {
        "INT8" => (sbyte.MinValue, sbyte.MaxValue),
        "INT16" => (short.MinValue, short.MaxValue),
        Int32 => (int.MinValue, int.MaxValue),
        Int64 => (long.MinValue, long.MaxValue),
        "UINT8" => (0, byte.MaxValue),
        "UINT16" => (0, ushort.MaxValue),
        "UINT32" => (0, uint.MaxValue),
        "UINT64" => (0, long.MaxValue),
        _ => null,
    };
}
