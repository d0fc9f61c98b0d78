namespace Keel.Core.Models;

/// <summary>
/// What a predictor takes or returns in one column: its name, element type and per-row shape (empty for a
/// scalar; -1 marks a dimension the model leaves open).
/// </summary>
public sealed record ColumnSchema(string Name, DataType Type, IReadOnlyList<int> RowShape)
{
    public static ColumnSchema Scalar(string name, DataType type) => new(name, type, []);
}
