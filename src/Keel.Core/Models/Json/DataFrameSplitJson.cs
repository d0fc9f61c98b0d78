using System.Text.Json;
using Keel.Core.Common;

namespace Keel.Core.Models.Json;

/// <summary>
/// A <see cref="DataBatch"/> as pandas' "split" orientation, <c>{"columns": [...], "data": [[...], ...]}</c>:
/// the layout of MLflow's <c>input_example.json</c> and of its <c>dataframe_split</c> scoring input. A tensor
/// column's cell is a nested array in row-major order.
/// </summary>
public static class DataFrameSplitJson
{
    public static string Write(DataBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("columns");
            foreach (var column in batch.Columns)
            {
                json.WriteStringValue(column.Name);
            }

            json.WriteEndArray();
            json.WriteStartArray("data");
            for (var row = 0; row < batch.RowCount; row++)
            {
                json.WriteStartArray();
                foreach (var column in batch.Columns)
                {
                    JsonCells.WriteRow(json, column, row, NonFiniteFloats.Strings);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Reads the columns <paramref name="schema"/> names, converting each cell to the column's type; columns
    /// the schema does not name are ignored. Malformed JSON, a missing column or a cell of the wrong kind
    /// throws INVALID_PARAMETER_VALUE naming the column and row.
    /// </summary>
    public static DataBatch Read(string json, IReadOnlyList<ColumnSchema> schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw KeelException.InvalidParameter($"The input is not valid JSON: {e.Message}");
        }

        using (document)
        {
            return Read(document.RootElement, schema);
        }
    }

    /// <summary>Reads an already parsed split-oriented frame; see <see cref="Read(string, IReadOnlyList{ColumnSchema})"/>.</summary>
    internal static DataBatch Read(JsonElement root, IReadOnlyList<ColumnSchema> schema)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array
            || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw KeelException.InvalidParameter("A split-oriented data frame needs a 'columns' array and a 'data' array of rows.");
        }

        var names = columns.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : c.ToString()).ToList();
        var rows = data.EnumerateArray().ToList();
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].ValueKind != JsonValueKind.Array || rows[r].GetArrayLength() != names.Count)
            {
                throw KeelException.InvalidParameter($"Row {r} of 'data' must be an array of {names.Count} values, one per column.");
            }
        }

        return new DataBatch([.. schema.Select(column => ReadColumn(column, names.IndexOf(column.Name), rows))]);
    }

    private static DataColumn ReadColumn(ColumnSchema column, int index, List<JsonElement> rows)
    {
        if (index < 0)
        {
            throw KeelException.InvalidParameter($"Column '{column.Name}' is missing from 'columns'.");
        }

        var rowLength = column.RowShape.Aggregate(1, (product, d) => product * Math.Max(d, 1));
        var values = Array.CreateInstance(DataTypes.ElementType(column.Type), rows.Count * rowLength);
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = JsonCells.Flatten(rows[r][index]).ToList();
            if (cells.Count != rowLength)
            {
                throw KeelException.InvalidParameter($"Column '{column.Name}', row {r}: expected {rowLength} value(s), got {cells.Count}.");
            }

            for (var i = 0; i < cells.Count; i++)
            {
                values.SetValue(Convert(cells[i], column, r), (r * rowLength) + i);
            }
        }

        return new DataColumn(column.Name, column.Type, values, column.RowShape.Any(d => d < 0) ? null : column.RowShape);
    }

    private static object Convert(JsonElement cell, ColumnSchema column, int row) =>
        JsonCells.TryRead(cell, column.Type, out var value)
            ? value
            : throw KeelException.InvalidParameter(
                $"Column '{column.Name}', row {row}: expected {JsonCells.TypeName(column.Type)}, got {JsonCells.Describe(cell)}.");
}
