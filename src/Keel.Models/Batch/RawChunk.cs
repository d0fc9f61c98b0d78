using System.Text;

namespace Keel.Models.Batch;

/// <summary>
/// A run of input rows as the file holds them, before any model type is applied: one <see cref="RawColumn"/> per
/// selected input column, and per row the structural fault (a wrong field count) that already rules it out.
/// </summary>
internal sealed class RawChunk(long firstRow, int rowCount, RawColumn?[] columns, string?[] rowErrors)
{
    /// <summary>The 1-based data row number of the chunk's first row.</summary>
    public long FirstRow { get; } = firstRow;

    public int RowCount { get; } = rowCount;

    /// <summary>Indexed like the reader's header; null for a column nobody asked for.</summary>
    public RawColumn?[] Columns { get; } = columns;

    public string?[] RowErrors { get; } = rowErrors;
}

/// <summary>One column of a <see cref="RawChunk"/>.</summary>
internal abstract class RawColumn
{
    public abstract int RowCount { get; }

    /// <summary>The cell as the file holds it, for reasons and for copying text columns; null when missing.</summary>
    public abstract string? Text(int row);
}

/// <summary>CSV cells as UTF-8 slices of one buffer, parsed only when a model input needs them.</summary>
internal sealed class Utf8Column(byte[] buffer, int[] starts, int[] lengths) : RawColumn
{
    public override int RowCount => starts.Length;

    /// <summary>An empty field is a missing value, as pandas reads it.</summary>
    public bool IsMissing(int row) => lengths[row] <= 0;

    public ReadOnlySpan<byte> Cell(int row) => lengths[row] <= 0 ? default : buffer.AsSpan(starts[row], lengths[row]);

    public override string? Text(int row) => IsMissing(row) ? null : Encoding.UTF8.GetString(Cell(row));
}

/// <summary>Typed values from a Parquet column: a <c>T[]</c>, a <c>T?[]</c> or a <c>string?[]</c>.</summary>
internal sealed class TypedColumn(Array values) : RawColumn
{
    public Array Values { get; } = values;

    public override int RowCount => Values.Length;

    public object? Value(int row) => Values.GetValue(row);

    public override string? Text(int row) => Value(row) switch
    {
        null => null,
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };
}
