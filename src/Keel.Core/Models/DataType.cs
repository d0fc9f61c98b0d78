namespace Keel.Core.Models;

/// <summary>The element types a model's inputs and outputs can hold, whatever runtime scores them.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The members name data types on purpose.")]
public enum DataType
{
    Boolean,
    Int32,
    Int64,
    Float32,
    Float64,
    String,
}

/// <summary>The CLR array type behind each <see cref="DataType"/>.</summary>
public static class DataTypes
{
    public static Type ElementType(DataType type) => type switch
    {
        DataType.Boolean => typeof(bool),
        DataType.Int32 => typeof(int),
        DataType.Int64 => typeof(long),
        DataType.Float32 => typeof(float),
        DataType.Float64 => typeof(double),
        DataType.String => typeof(string),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown data type"),
    };

    public static DataType Of(Type elementType) =>
        elementType == typeof(bool) ? DataType.Boolean
        : elementType == typeof(int) ? DataType.Int32
        : elementType == typeof(long) ? DataType.Int64
        : elementType == typeof(float) ? DataType.Float32
        : elementType == typeof(double) ? DataType.Float64
        : elementType == typeof(string) ? DataType.String
        : throw new ArgumentException($"{elementType.Name} is not a model data type (bool, int, long, float, double or string).", nameof(elementType));
}
