using Keel.Core.Common;

namespace Keel.Data.Tabular;

/// <summary>Opens a CSV or Parquet file as an <see cref="ITabularReader"/>, inferring a CSV's types first.</summary>
internal static class TabularReader
{
    /// <summary>
    /// Opens <paramref name="path"/>. For CSV, <paramref name="columns"/> (from an earlier pass) skips inference;
    /// without it the whole file is read once to infer each column's type.
    /// </summary>
    public static async Task<ITabularReader> OpenAsync(string path, IReadOnlyList<TabularColumn>? columns, CancellationToken ct)
    {
        var format = TabularFormats.FormatOf(path)
            ?? throw KeelException.InvalidParameter($"{path}: expected a .csv or .parquet file.");
        if (!File.Exists(path))
        {
            throw KeelException.NotFound($"{path}: no such file.");
        }
        if (format == TabularFormat.Parquet)
        {
            return await ParquetTabularReader.OpenAsync(path, ct);
        }

        return await CsvTabularReader.OpenAsync(path, columns ?? await InferAsync(path, ct), ct);
    }

    /// <summary>Reads a CSV once and infers every column's type (see <see cref="TypeInference"/>).</summary>
    private static async Task<IReadOnlyList<TabularColumn>> InferAsync(string path, CancellationToken ct)
    {
        await using var reader = await CsvTabularReader.OpenAsync(path, null, ct);
        var inference = reader.Columns.Select(_ => new TypeInference()).ToArray();
        while (await reader.ReadAsync(ct) is { } batch)
        {
            for (var c = 0; c < inference.Length; c++)
            {
                // Untyped cells are the raw text; the canonical form of a string column is the text itself.
                var cells = await batch.ColumnAsync(c, ct);
                for (var r = 0; r < batch.RowCount; r++)
                {
                    inference[c].Add(cells.Text(r));
                }
            }
        }
        return [.. reader.Columns.Select((column, c) => column with { Type = inference[c].Type })];
    }
}
