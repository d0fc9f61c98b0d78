using System.Globalization;
using System.Text.Json;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Json;

namespace Keel.Core.Serving;

/// <summary>One Open Inference Protocol tensor, <c>{name, shape, datatype, data}</c>, as one column and back.</summary>
internal static class OipTensors
{
    public static DataColumn Read(JsonElement tensor, ColumnSchema column)
    {
        var name = column.Name;
        var shape = Shape(tensor, name);
        if (!tensor.TryGetProperty("datatype", out var datatypeElement) || datatypeElement.ValueKind != JsonValueKind.String
            || !OipDataTypes.All.Contains(datatypeElement.GetString()!))
        {
            var given = datatypeElement.ValueKind == JsonValueKind.Undefined ? "none" : JsonCells.Describe(datatypeElement);
            throw KeelException.InvalidParameter(
                $"Input '{name}': 'datatype' must be one of the protocol's ({string.Join(", ", OipDataTypes.All.Order(StringComparer.Ordinal))}); got {given}.");
        }

        var datatype = datatypeElement.GetString()!;
        if (!OipDataTypes.CanFeed(datatype, column.Type))
        {
            throw KeelException.InvalidParameter(
                $"Input '{name}': datatype {datatype} cannot feed the model's {OipDataTypes.Of(column.Type)} input without loss; send {OipDataTypes.Of(column.Type)}.");
        }

        var rowShape = RowShape(shape, column);
        if (!tensor.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw KeelException.InvalidParameter($"Input '{name}': 'data' must be an array of values, row-major (flat or nested).");
        }

        var cells = JsonCells.Flatten(data).ToList();
        var expected = shape.Aggregate(1L, (product, d) => product * d);
        if (cells.Count != expected)
        {
            throw KeelException.InvalidParameter(
                $"Input '{name}': shape {ShapeText(shape)} needs {expected} value(s), but 'data' holds {cells.Count}.");
        }

        var values = Array.CreateInstance(DataTypes.ElementType(column.Type), cells.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            values.SetValue(Convert(cells[i], datatype, column, i), i);
        }

        return new DataColumn(name, column.Type, values, rowShape);
    }

    public static void Write(Utf8JsonWriter json, DataColumn column)
    {
        json.WriteStartObject();
        json.WriteString("name", column.Name);
        json.WriteStartArray("shape");
        json.WriteNumberValue(column.RowCount);
        foreach (var d in column.RowShape)
        {
            json.WriteNumberValue(d);
        }

        json.WriteEndArray();
        json.WriteString("datatype", OipDataTypes.Of(column.Type));
        json.WriteStartArray("data");
        foreach (var value in column.Values)
        {
            // JSON has no NaN; null is what KServe's and MLServer's JSON encoders send for it, and what Parse reads back.
            JsonCells.WriteValue(json, value, NonFiniteFloats.Null);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static long[] Shape(JsonElement tensor, string name)
    {
        if (tensor.TryGetProperty("shape", out var shape) && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() > 0)
        {
            var dims = shape.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var n) && n >= 0 ? n : -1L).ToArray();
            if (dims.All(d => d >= 0))
            {
                return dims;
            }
        }

        var given = shape.ValueKind == JsonValueKind.Undefined ? "none" : shape.GetRawText();
        throw KeelException.InvalidParameter(
            $"Input '{name}': 'shape' must be an array of non-negative integers starting with the batch size; got {given}.");
    }

    // The shape of one row: shape without its batch dimension, checked against the column's.
    private static int[]? RowShape(long[] shape, ColumnSchema column)
    {
        var rest = shape.Skip(1).Select(d => (int)d).ToArray();
        if (column.RowShape.Count == 0)
        {
            return rest is [] or [1]
                ? null
                : throw KeelException.InvalidParameter(
                    $"Input '{column.Name}': shape {ShapeText(shape)} does not fit the model's scalar input; send [N] or [N, 1].");
        }

        var fits = rest.Length == column.RowShape.Count
            && rest.Zip(column.RowShape).All(p => p.Second < 0 ? p.First > 0 : p.First == p.Second);
        return fits
            ? rest
            : throw KeelException.InvalidParameter(
                $"Input '{column.Name}': shape {ShapeText(shape)} does not fit the model's input shape {ShapeText([-1, .. column.RowShape.Select(d => (long)d)])} (-1 is open).");
    }

    private static object Convert(JsonElement cell, string datatype, ColumnSchema column, int index)
    {
        if (OipDataTypes.IntegerRange(datatype) is { } range)
        {
            if (!JsonCells.TryRead(cell, DataType.Int64, out var boxed) || (long)boxed < range.Min || (long)boxed > range.Max)
            {
                throw KeelException.InvalidParameter(
                    $"Input '{column.Name}', value {index}: expected {datatype}, got {JsonCells.Describe(cell)}.");
            }

            var value = (long)boxed;
            // Typed as object: otherwise the arms' common type would turn every value into a double.
            return column.Type switch
            {
                DataType.Int32 when value is < int.MinValue or > int.MaxValue => throw KeelException.InvalidParameter(
                    $"Input '{column.Name}', value {index}: {value} does not fit the model's INT32 input."),
                DataType.Int32 => (object)(int)value,
                DataType.Float32 => (float)value,
                DataType.Float64 => (double)value,
                _ => value,
            };
        }

        return JsonCells.TryRead(cell, column.Type, out var converted)
            ? converted
            : throw KeelException.InvalidParameter(
                $"Input '{column.Name}', value {index}: expected {datatype}, got {JsonCells.Describe(cell)}.");
    }

    private static string ShapeText(IEnumerable<long> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
