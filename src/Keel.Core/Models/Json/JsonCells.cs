using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Keel.Core.Models.Json;

/// <summary>How a writer spells a float that JSON has no number for (NaN, ±Infinity).</summary>
internal enum NonFiniteFloats
{
    /// <summary>The strings "NaN", "Infinity" and "-Infinity".</summary>
    Strings,

    /// <summary>The bare tokens NaN, Infinity and -Infinity, as Python's json module writes them (not strict JSON).</summary>
    PythonLiterals,

    /// <summary>null, as pandas' to_json and orjson write them.</summary>
    Null,
}

/// <summary>One JSON value as one cell of a <see cref="DataColumn"/>, both ways; shared by every JSON layout Keel reads.</summary>
internal static class JsonCells
{
    /// <summary>
    /// Converts <paramref name="cell"/> to <paramref name="type"/> when nothing is lost: 1 or 1.0 fits an integer,
    /// 1.5 does not; a boolean never becomes a number. null and the strings "NaN", "Infinity", "-Infinity" stand
    /// for a float's specials, as MLflow and pandas write them.
    /// </summary>
    public static bool TryRead(JsonElement cell, DataType type, [NotNullWhen(true)] out object? value)
    {
        value = type switch
        {
            DataType.Boolean => cell.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            },
            DataType.Int32 => TryInteger(cell, int.MinValue, int.MaxValue, out var l) ? (int)l : null,
            DataType.Int64 => TryInteger(cell, long.MinValue, long.MaxValue, out var l) ? l : null,
            DataType.Float32 => TryFloat(cell, out var d) && (float.IsFinite((float)d) || !double.IsFinite(d)) ? (float)d : null,
            DataType.Float64 => TryFloat(cell, out var d) ? d : null,
            DataType.String => cell.ValueKind == JsonValueKind.String ? cell.GetString() : null,
            _ => null,
        };
        return value is not null;
    }

    /// <summary>A cell as an error message quotes it.</summary>
    public static string Describe(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{cell.GetString()}\"",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => cell.GetRawText(),
    };

    public static string TypeName(DataType type) => type.ToString().ToLowerInvariant();

    /// <summary>The leaves of a nested array in row-major order; a scalar is its own only leaf.</summary>
    public static IEnumerable<JsonElement> Flatten(JsonElement cell) =>
        cell.ValueKind == JsonValueKind.Array ? cell.EnumerateArray().SelectMany(Flatten) : [cell];

    /// <summary>Writes one row's value: a scalar, or a tensor as nested arrays in row-major order.</summary>
    public static void WriteRow(Utf8JsonWriter json, DataColumn column, int row, NonFiniteFloats nonFinite)
    {
        if (column.RowShape.Count == 0)
        {
            WriteValue(json, column.Values.GetValue(row), nonFinite);
            return;
        }

        WriteTensor(json, column, row * column.RowLength, 0, nonFinite);
    }

    public static void WriteValue(Utf8JsonWriter json, object? value, NonFiniteFloats nonFinite)
    {
        switch (value)
        {
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float or double: WriteNonFinite(json, Convert.ToDouble(value, CultureInfo.InvariantCulture), nonFinite); break;
            case string s: json.WriteStringValue(s); break;
            default: json.WriteNullValue(); break;
        }
    }

    private static void WriteNonFinite(Utf8JsonWriter json, double value, NonFiniteFloats nonFinite)
    {
        var text = double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
        switch (nonFinite)
        {
            case NonFiniteFloats.Null: json.WriteNullValue(); break;
            case NonFiniteFloats.PythonLiterals: json.WriteRawValue(text, skipInputValidation: true); break;
            default: json.WriteStringValue(text); break;
        }
    }

    private static void WriteTensor(Utf8JsonWriter json, DataColumn column, int offset, int dimension, NonFiniteFloats nonFinite)
    {
        json.WriteStartArray();
        var stride = column.RowShape.Skip(dimension + 1).Aggregate(1, (product, d) => product * d);
        for (var i = 0; i < column.RowShape[dimension]; i++)
        {
            if (dimension == column.RowShape.Count - 1)
            {
                WriteValue(json, column.Values.GetValue(offset + i), nonFinite);
            }
            else
            {
                WriteTensor(json, column, offset + (i * stride), dimension + 1, nonFinite);
            }
        }

        json.WriteEndArray();
    }

    private static bool TryInteger(JsonElement cell, long min, long max, out long value)
    {
        value = 0;
        if (cell.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        if (cell.TryGetInt64(out value))
        {
            return value >= min && value <= max;
        }

        // 1.0 or 1e3 name an integer too; anything with a fraction or beyond 2^63 does not.
        if (cell.TryGetDouble(out var d) && d == Math.Floor(d) && d >= min && d < -(double)long.MinValue && d <= max)
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    private static bool TryFloat(JsonElement cell, out double value)
    {
        value = double.NaN;
        switch (cell.ValueKind)
        {
            case JsonValueKind.Null:
                return true;
            case JsonValueKind.Number:
                return cell.TryGetDouble(out value) && double.IsFinite(value);
            case JsonValueKind.String:
                var text = cell.GetString();
                value = text switch
                {
                    "NaN" => double.NaN,
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    _ => 0,
                };
                return text is "NaN" or "Infinity" or "-Infinity";
            default:
                return false;
        }
    }
}
