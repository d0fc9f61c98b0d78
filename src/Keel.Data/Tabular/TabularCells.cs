using System.Globalization;
using Keel.Core.Data.Profiles;

namespace Keel.Data.Tabular;

/// <summary>
/// One column of a batch of rows. <see cref="Text"/> is the cell's <see cref="CanonicalText"/> (null when missing),
/// the same for CSV and Parquet; <see cref="Number"/> is its value for a numeric column, else null.
/// </summary>
internal abstract class TabularCells
{
    public abstract int Count { get; }

    public abstract string? Text(int row);

    public abstract double? Number(int row);
}

/// <summary>CSV cells as read (null for an empty cell), parsed by the column's inferred type when asked.</summary>
internal sealed class CsvCells(string?[] cells, int count, string type) : TabularCells
{
    public override int Count => count;

    public override string? Text(int row)
    {
        var cell = cells[row];
        return cell is null ? null : type switch
        {
            ColumnKinds.Whole => CellParsing.TryWhole(cell, out var whole) ? CanonicalText.Whole(whole) : cell,
            ColumnKinds.Real => CellParsing.TryReal(cell, out var real) ? CanonicalText.Number(real) : cell,
            ColumnKinds.Flag => CellParsing.TryFlag(cell, out var flag) ? CanonicalText.Flag(flag) : cell,
            ColumnKinds.Timestamp => CellParsing.TryTimestamp(cell, out var time) ? CanonicalText.Timestamp(time) : cell,
            _ => cell,
        };
    }

    public override double? Number(int row) =>
        ColumnKinds.IsNumeric(type) && cells[row] is { } cell && CellParsing.TryReal(cell, out var value) ? value : null;
}

/// <summary>A Parquet column of a struct type, nullable or not, with how its values become text and numbers.</summary>
internal sealed class ParquetCells<T>(T?[] values, Func<T, string> text, Func<T, double>? number) : TabularCells
    where T : struct
{
    public override int Count => values.Length;

    public override string? Text(int row) => values[row] is { } value ? text(value) : null;

    public override double? Number(int row) => number is not null && values[row] is { } value ? number(value) : null;
}

/// <summary>A Parquet string (or UTF-8 byte array) column.</summary>
internal sealed class ParquetTextCells(string?[] values) : TabularCells
{
    public override int Count => values.Length;

    public override string? Text(int row) => values[row];

    public override double? Number(int row) => null;
}

/// <summary>How each Parquet value type maps to a column type, its canonical text and its number.</summary>
internal static class ParquetValues
{
    public static string Whole(long value) => CanonicalText.Whole(value);

    public static string Real(double value) => CanonicalText.Number(value);

    // A float printed through double shows its binary noise (0.1f → 0.10000000149011612); its own shortest form does not.
    public static string Compact(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Time(DateTime value) =>
        CanonicalText.Timestamp(new DateTimeOffset(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc)));
}
