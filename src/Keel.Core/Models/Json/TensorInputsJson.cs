using System.Text.Json;
using Keel.Core.Common;

namespace Keel.Core.Models.Json;

/// <summary>
/// Reads TensorFlow Serving's columnar request, the layout of MLflow's ndarray <c>input_example.json</c>
/// (<c>saved_input_example_info.type: ndarray</c>, <c>format: tf-serving</c>): <c>{"inputs": [...]}</c> holds one
/// unnamed tensor, <c>{"inputs": {"name": [...], ...}}</c> one tensor per named input. Each tensor is a nested
/// array whose first dimension is the row; the rest of it, in row-major order, is the row's value.
/// </summary>
public static class TensorInputsJson
{
    /// <summary>
    /// Reads the inputs <paramref name="schema"/> names, converting each value to the input's type; named tensors
    /// the schema does not name are ignored. An unnamed tensor feeds the schema's only input or, when every input
    /// is a scalar, one input per position of its rows. A null stands for NaN in a float input, as MLflow writes
    /// NaN. Malformed JSON, a missing input, a row of the wrong shape or a value of the wrong kind throws
    /// INVALID_PARAMETER_VALUE naming the input and row.
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
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out var inputs))
            {
                throw KeelException.InvalidParameter("A tensor input needs an 'inputs' field: one nested array, or an object of them by input name.");
            }

            return ReadInputs(inputs, schema);
        }
    }

    /// <summary>Reads the value of an already parsed 'inputs' field; see <see cref="Read(string, IReadOnlyList{ColumnSchema})"/>.</summary>
    internal static DataBatch ReadInputs(JsonElement inputs, IReadOnlyList<ColumnSchema> schema) => inputs.ValueKind switch
    {
        JsonValueKind.Object => Batch([.. schema.Select(column => ReadNamed(column, inputs))]),
        JsonValueKind.Array => ReadUnnamed(schema, [.. inputs.EnumerateArray()]),
        _ => throw KeelException.InvalidParameter($"'inputs' must be an array or an object of arrays, not {JsonCells.Describe(inputs)}."),
    };

    private static DataBatch Batch(DataColumn[] columns)
    {
        var uneven = columns.FirstOrDefault(c => c.RowCount != columns[0].RowCount);
        return uneven is null
            ? new DataBatch(columns)
            : throw KeelException.InvalidParameter(
                $"Input '{uneven.Name}' has {uneven.RowCount} row(s), but input '{columns[0].Name}' has {columns[0].RowCount}; every input needs one entry per row.");
    }

    private static DataColumn ReadNamed(ColumnSchema column, JsonElement inputs)
    {
        if (!inputs.TryGetProperty(column.Name, out var tensor))
        {
            throw KeelException.InvalidParameter($"Input '{column.Name}' is missing from 'inputs'.");
        }

        if (tensor.ValueKind != JsonValueKind.Array)
        {
            throw KeelException.InvalidParameter($"Input '{column.Name}' must be an array with one entry per row, not {JsonCells.Describe(tensor)}.");
        }

        return ReadColumn(column, [.. tensor.EnumerateArray()]);
    }

    private static DataBatch ReadUnnamed(IReadOnlyList<ColumnSchema> schema, List<JsonElement> rows)
    {
        if (schema.Count == 1)
        {
            return new DataBatch([ReadColumn(schema[0], rows)]);
        }

        // A data frame's columns as one matrix, as numpy gives them: the i-th value of a row is the i-th input.
        if (schema.Count == 0 || schema.Any(c => c.RowShape.Count > 0))
        {
            throw KeelException.InvalidParameter(
                $"'inputs' holds one unnamed tensor, but the model reads {schema.Count} inputs ({string.Join(", ", schema.Select(c => c.Name))}); name each one.");
        }

        var cells = new List<JsonElement>[schema.Count];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = new List<JsonElement>(rows.Count);
        }

        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r].ValueKind != JsonValueKind.Array || rows[r].GetArrayLength() != schema.Count)
            {
                throw KeelException.InvalidParameter(
                    $"Row {r} of 'inputs' must be an array of {schema.Count} values, one for each input ({string.Join(", ", schema.Select(c => c.Name))}).");
            }

            var i = 0;
            foreach (var cell in rows[r].EnumerateArray())
            {
                cells[i++].Add(cell);
            }
        }

        return new DataBatch([.. schema.Select((column, i) => ReadColumn(column, cells[i]))]);
    }

    /// <summary>One input from its rows, each a value or a nested array; the rows' shape must fit the input's.</summary>
    internal static DataColumn ReadColumn(ColumnSchema column, List<JsonElement> rows)
    {
        int[]? rowShape = null;
        var values = new List<object>();
        for (var r = 0; r < rows.Count; r++)
        {
            var shape = ShapeOf(rows[r], column.Name, r);
            if (!Fits(column.RowShape, shape))
            {
                throw KeelException.InvalidParameter(
                    $"Input '{column.Name}', row {r}: expected {ShapeText(column.RowShape)}, got {ShapeText(shape)}.");
            }

            if (column.RowShape.Count > 0 && rowShape is not null && !rowShape.SequenceEqual(shape))
            {
                throw KeelException.InvalidParameter(
                    $"Input '{column.Name}', row {r}: has {ShapeText(shape)}, but row 0 has {ShapeText(rowShape)}.");
            }

            rowShape ??= shape;
            values.AddRange(JsonCells.Flatten(rows[r]).Select(cell => Convert(cell, column, r)));
        }

        var array = Array.CreateInstance(DataTypes.ElementType(column.Type), values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            array.SetValue(values[i], i);
        }

        // A scalar input keeps its scalar shape even when each row is written as [x].
        var columnShape = column.RowShape.Count == 0 || rowShape is null ? null : rowShape;
        return new DataColumn(column.Name, column.Type, array, columnShape);
    }

    // The dimensions of one row's nested array; ragged arrays have none.
    private static int[] ShapeOf(JsonElement row, string name, int index)
    {
        if (row.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var items = row.EnumerateArray().ToList();
        var inner = items.Count == 0 ? [] : ShapeOf(items[0], name, index);
        if (items.Skip(1).Any(item => !ShapeOf(item, name, index).SequenceEqual(inner)))
        {
            throw KeelException.InvalidParameter($"Input '{name}', row {index}: the nested arrays are ragged; every row must be a rectangular array.");
        }

        return [items.Count, .. inner];
    }

    private static bool Fits(IReadOnlyList<int> expected, int[] given)
    {
        if (expected.Count == 0)
        {
            return given is [] or [1];
        }

        return given.Length == expected.Count && given.Zip(expected).All(p => p.Second < 0 ? p.First > 0 : p.First == p.Second);
    }

    private static object Convert(JsonElement cell, ColumnSchema column, int row) =>
        JsonCells.TryRead(cell, column.Type, out var value)
            ? value
            : throw KeelException.InvalidParameter(
                $"Input '{column.Name}', row {row}: expected {JsonCells.TypeName(column.Type)}, got {JsonCells.Describe(cell)}.");

    private static string ShapeText(IReadOnlyList<int> shape) =>
        shape.Count == 0 ? "a single value" : "shape [" + string.Join(", ", shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
