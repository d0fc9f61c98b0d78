namespace Keel.Core.Models.Packages;

/// <summary>
/// Maps MLflow's signature type names to <see cref="DataType"/> and back: column types (<c>boolean</c>,
/// <c>integer</c>, <c>long</c>, <c>float</c>, <c>double</c>, <c>string</c>) and tensor dtypes (numpy names
/// <c>bool</c>, <c>int32</c>, <c>int64</c>, <c>float32</c>, <c>float64</c>, <c>str</c>). Types Keel cannot hold
/// (<c>binary</c>, <c>datetime</c>, <c>uint8</c>, <c>object</c> …) map to null.
/// </summary>
public static class SignatureTypes
{
    /// <summary>The <see cref="DataType"/> of an MLflow column type, or null when Keel has none.</summary>
    public static DataType? FromColumnType(string columnType) => columnType switch
    {
        "boolean" => DataType.Boolean,
        "integer" => DataType.Int32,
        "long" => DataType.Int64,
        "float" => DataType.Float32,
        "double" => DataType.Float64,
        "string" => DataType.String,
        _ => null,
    };

    /// <summary>The MLflow column type name of <paramref name="type"/>.</summary>
    public static string ToColumnType(DataType type) => type switch
    {
        DataType.Boolean => "boolean",
        DataType.Int32 => "integer",
        DataType.Int64 => "long",
        DataType.Float32 => "float",
        DataType.Float64 => "double",
        DataType.String => "string",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown data type"),
    };

    /// <summary>The <see cref="DataType"/> of a numpy dtype name, or null when Keel has none.</summary>
    public static DataType? FromDtype(string dtype) => dtype switch
    {
        "bool" => DataType.Boolean,
        "int32" => DataType.Int32,
        "int64" => DataType.Int64,
        "float32" => DataType.Float32,
        "float64" => DataType.Float64,
        "str" => DataType.String,
        _ => null,
    };

    /// <summary>The numpy dtype name of <paramref name="type"/>.</summary>
    public static string ToDtype(DataType type) => type switch
    {
        DataType.Boolean => "bool",
        DataType.Int32 => "int32",
        DataType.Int64 => "int64",
        DataType.Float32 => "float32",
        DataType.Float64 => "float64",
        DataType.String => "str",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown data type"),
    };
}
