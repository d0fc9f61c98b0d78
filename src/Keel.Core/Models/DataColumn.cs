namespace Keel.Core.Models;

/// <summary>
/// One named column of a <see cref="DataBatch"/>. Each row holds a scalar (<see cref="RowShape"/> empty) or a
/// fixed-shape tensor; values are stored flat, row after row, so a runtime can wrap them without copying.
/// </summary>
public sealed class DataColumn
{
    public DataColumn(string name, DataType type, Array values, IReadOnlyList<int>? rowShape = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetType().GetElementType() != DataTypes.ElementType(type) || values.Rank != 1)
        {
            throw new ArgumentException($"Column '{name}' of type {type} needs a {DataTypes.ElementType(type).Name}[], not a {values.GetType().Name}.", nameof(values));
        }

        RowShape = rowShape ?? [];
        if (RowShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"Column '{name}': every dimension of a row's shape must be positive.", nameof(rowShape));
        }

        RowLength = RowShape.Aggregate(1, (product, d) => checked(product * d));
        if (values.Length % RowLength != 0)
        {
            throw new ArgumentException($"Column '{name}' holds {values.Length} values, not a whole number of rows of {RowLength}.", nameof(values));
        }

        Name = name;
        Type = type;
        Values = values;
    }

    public string Name { get; }

    public DataType Type { get; }

    /// <summary>The shape of one row's value; empty for a scalar column.</summary>
    public IReadOnlyList<int> RowShape { get; }

    /// <summary>How many values make one row (the product of <see cref="RowShape"/>).</summary>
    public int RowLength { get; }

    public int RowCount => Values.Length / RowLength;

    /// <summary>The values of every row, flat, as an array of <see cref="DataTypes.ElementType"/>.</summary>
    public Array Values { get; }

    public static DataColumn Of<T>(string name, T[] values, IReadOnlyList<int>? rowShape = null) =>
        new(name, DataTypes.Of(typeof(T)), values, rowShape);

    /// <summary>The values as <typeparamref name="T"/>[]; the type must match exactly.</summary>
    public T[] As<T>() => Values as T[]
        ?? throw new InvalidOperationException($"Column '{Name}' holds {Type} values, not {typeof(T).Name}.");
}
