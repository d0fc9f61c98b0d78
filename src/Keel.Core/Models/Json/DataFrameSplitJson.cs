using System.Globalization;
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
                    WriteCell(json, column, row);
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
            var root = document.RootElement;
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
            var cells = Flatten(rows[r][index]).ToList();
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

    private static IEnumerable<JsonElement> Flatten(JsonElement cell) =>
        cell.ValueKind == JsonValueKind.Array ? cell.EnumerateArray().SelectMany(Flatten) : [cell];

    private static object Convert(JsonElement cell, ColumnSchema column, int row)
    {
        try
        {
            return column.Type switch
            {
                DataType.Boolean => cell.GetBoolean(),
                DataType.Int32 => cell.GetInt32(),
                DataType.Int64 => cell.GetInt64(),
                DataType.Float32 => (float)cell.GetDouble(),
                DataType.Float64 => cell.GetDouble(),
                DataType.String => cell.ValueKind == JsonValueKind.String ? cell.GetString()! : throw new InvalidOperationException(),
                _ => throw new InvalidOperationException(),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw KeelException.InvalidParameter(
                $"Column '{column.Name}', row {row}: expected {column.Type.ToString().ToLowerInvariant()}, got {Describe(cell)}.");
        }
    }

    private static string Describe(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{cell.GetString()}\"",
        JsonValueKind.Null => "null",
        _ => cell.GetRawText(),
    };

    private static void WriteCell(Utf8JsonWriter json, DataColumn column, int row)
    {
        if (column.RowShape.Count > 0)
        {
            WriteTensor(json, column, row * column.RowLength, 0);
            return;
        }

        WriteValue(json, column.Values.GetValue(row));
    }

    private static void WriteTensor(Utf8JsonWriter json, DataColumn column, int offset, int dimension)
    {
        json.WriteStartArray();
        var stride = column.RowShape.Skip(dimension + 1).Aggregate(1, (product, d) => product * d);
        for (var i = 0; i < column.RowShape[dimension]; i++)
        {
            if (dimension == column.RowShape.Count - 1)
            {
                WriteValue(json, column.Values.GetValue(offset + i));
            }
            else
            {
                WriteTensor(json, column, offset + (i * stride), dimension + 1);
            }
        }

        json.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float or double: json.WriteStringValue(System.Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            case string s: json.WriteStringValue(s); break;
            default: json.WriteNullValue(); break;
        }
    }
}
