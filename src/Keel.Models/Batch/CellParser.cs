using System.Globalization;
using System.Text;
using Keel.Core.Models;
using Keel.Core.Models.Packages;

namespace Keel.Models.Batch;

/// <summary>
/// Turns one raw column into the values a model input takes, row by row: a cell that does not fit rules out its
/// row (with a reason naming the column, the type and the value) instead of the chunk. A missing value is NaN in a
/// float column, as pandas reads it, and a fault in any other.
/// </summary>
internal static class CellParser
{
    private const int MaxShownValue = 40;

    public static Array Parse(RawColumn column, string name, DataType type, string?[] rowErrors) => column switch
    {
        Utf8Column text => ParseText(text, name, type, rowErrors),
        TypedColumn typed => Convert(typed, name, type, rowErrors),
        _ => throw new ArgumentException($"unknown column kind {column.GetType().Name}", nameof(column)),
    };

    private static Array ParseText(Utf8Column column, string name, DataType type, string?[] rowErrors)
    {
        var rows = column.RowCount;
        switch (type)
        {
            case DataType.Float32:
                {
                    var values = new float[rows];
                    for (var r = 0; r < rows; r++)
                    {
                        if (column.IsMissing(r))
                        {
                            values[r] = float.NaN;
                        }
                        else if (!float.TryParse(column.Cell(r), NumberStyles.Float, CultureInfo.InvariantCulture, out values[r]))
                        {
                            Fail(rowErrors, r, name, type, column);
                        }
                    }

                    return values;
                }
            case DataType.Float64:
                {
                    var values = new double[rows];
                    for (var r = 0; r < rows; r++)
                    {
                        if (column.IsMissing(r))
                        {
                            values[r] = double.NaN;
                        }
                        else if (!double.TryParse(column.Cell(r), NumberStyles.Float, CultureInfo.InvariantCulture, out values[r]))
                        {
                            Fail(rowErrors, r, name, type, column);
                        }
                    }

                    return values;
                }
            case DataType.Int32:
                {
                    var values = new int[rows];
                    for (var r = 0; r < rows; r++)
                    {
                        if (!int.TryParse(column.Cell(r), NumberStyles.Integer, CultureInfo.InvariantCulture, out values[r]))
                        {
                            Fail(rowErrors, r, name, type, column);
                        }
                    }

                    return values;
                }
            case DataType.Int64:
                {
                    var values = new long[rows];
                    for (var r = 0; r < rows; r++)
                    {
                        if (!long.TryParse(column.Cell(r), NumberStyles.Integer, CultureInfo.InvariantCulture, out values[r]))
                        {
                            Fail(rowErrors, r, name, type, column);
                        }
                    }

                    return values;
                }
            case DataType.Boolean:
                {
                    var values = new bool[rows];
                    for (var r = 0; r < rows; r++)
                    {
                        if (ParseBoolean(column.Cell(r)) is { } value)
                        {
                            values[r] = value;
                        }
                        else
                        {
                            Fail(rowErrors, r, name, type, column);
                        }
                    }

                    return values;
                }
            default:
                {
                    var values = new string[rows];
                    for (var r = 0; r < rows; r++)
                    {
                        if (column.Text(r) is { } text)
                        {
                            values[r] = text;
                        }
                        else
                        {
                            values[r] = "";
                            Fail(rowErrors, r, name, type, column);
                        }
                    }

                    return values;
                }
        }
    }

    // Parquet columns already carry a type; a value is converted only when nothing about it changes but the width
    // (a whole-numbered double into a long, say), and text is parsed as a CSV cell would be.
    private static Array Convert(TypedColumn column, string name, DataType type, string?[] rowErrors)
    {
        var rows = column.RowCount;
        var values = Array.CreateInstance(DataTypes.ElementType(type), rows);
        for (var r = 0; r < rows; r++)
        {
            var converted = ConvertValue(column.Value(r), type);
            if (converted is null)
            {
                Fail(rowErrors, r, name, type, column);
                if (type == DataType.String)
                {
                    values.SetValue("", r);
                }
            }
            else
            {
                values.SetValue(converted, r);
            }
        }

        return values;
    }

    private static object? ConvertValue(object? value, DataType type)
    {
        if (value is string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            return text.Length == 0 && type != DataType.Float32 && type != DataType.Float64 ? null : type switch
            {
                DataType.String => text,
                DataType.Boolean => ParseBoolean(bytes),
                DataType.Float32 => text.Length == 0 ? float.NaN : float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : null,
                DataType.Float64 => text.Length == 0 ? double.NaN : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
                DataType.Int32 => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null,
                _ => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            };
        }

        return (value, type) switch
        {
            (null, DataType.Float32) => float.NaN,
            (null, DataType.Float64) => double.NaN,
            (null, _) => null,
            (bool b, DataType.Boolean) => b,
            (bool, _) => null,
            (_, DataType.Boolean) => null,
            (_, DataType.String) => null,
            (_, DataType.Float32) => System.Convert.ToSingle(value, CultureInfo.InvariantCulture),
            (_, DataType.Float64) => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
            (_, DataType.Int32) => WholeNumber(value) is { } n && n is >= int.MinValue and <= int.MaxValue ? (int)n : null,
            _ => WholeNumber(value),
        };
    }

    private static long? WholeNumber(object value)
    {
        if (value is double or float)
        {
            var d = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
            // 2^63 itself is out of range; every double below it is exact as a long when it is whole.
            return Math.Truncate(d) == d && d >= long.MinValue && d < 9.2233720368547758E18 ? (long)d : null;
        }

        var m = System.Convert.ToDecimal(value, CultureInfo.InvariantCulture);
        return decimal.Truncate(m) == m && m is >= long.MinValue and <= long.MaxValue ? (long)m : null;
    }

    private static bool? ParseBoolean(ReadOnlySpan<byte> cell)
    {
        var trimmed = cell.Trim(" \t"u8);
        return trimmed.Length switch
        {
            1 when trimmed[0] == (byte)'1' => true,
            1 when trimmed[0] == (byte)'0' => false,
            4 when Ascii.EqualsIgnoreCase(trimmed, "true"u8) => true,
            5 when Ascii.EqualsIgnoreCase(trimmed, "false"u8) => false,
            _ => null,
        };
    }

    private static void Fail(string?[] rowErrors, int row, string name, DataType type, RawColumn column)
    {
        var text = column.Text(row);
        var got = text is null ? "a missing value" : $"'{(text.Length > MaxShownValue ? text[..MaxShownValue] + "…" : text)}'";
        var reason = $"column '{name}': expected {SignatureTypes.ToColumnType(type)}, got {got}";
        rowErrors[row] = rowErrors[row] is { } earlier ? $"{earlier}; {reason}" : reason;
    }
}
