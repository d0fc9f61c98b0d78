using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Json;

namespace Keel.Core.Serving;

/// <summary>
/// A CSV scoring body as pandas' <c>to_csv(index=False)</c> writes it: a header row naming the columns, then one
/// line per row; fields may be double-quoted ("" escapes a quote) and span lines. A tensor column's cell holds the
/// row's value as a JSON array, e.g. "[[1, 2], [3, 4]]".
/// </summary>
internal static class ScoringCsv
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly record struct Field(string Text, bool Quoted);

    private sealed record Line(int Number, List<Field> Fields);

    public static DataBatch Read(ReadOnlySpan<byte> body, IReadOnlyList<ColumnSchema> inputs)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            throw KeelException.InvalidParameter($"The CSV input is not valid UTF-8: {e.Message}");
        }

        var lines = Split(text.TrimStart('\uFEFF'));
        if (lines.Count == 0)
        {
            throw KeelException.InvalidParameter("The CSV input is empty; it needs a header row naming the columns, then one line per row.");
        }

        var header = lines[0].Fields.Select(f => f.Text).ToList();
        MlflowScoringRequest.ThrowIfMissing(inputs, header.ToHashSet(StringComparer.Ordinal), "the CSV header");
        var rows = lines.Skip(1).Where(l => l.Fields is not [{ Text: "", Quoted: false }]).ToList();
        var uneven = rows.FirstOrDefault(l => l.Fields.Count != header.Count);
        if (uneven is not null)
        {
            throw KeelException.InvalidParameter(
                $"CSV line {uneven.Number} has {uneven.Fields.Count} field(s), but the header names {header.Count} column(s).");
        }

        return new DataBatch([.. inputs.Select(column => ReadColumn(column, header.IndexOf(column.Name), rows))]);
    }

    private static DataColumn ReadColumn(ColumnSchema column, int index, List<Line> rows)
    {
        if (column.RowShape.Count > 0)
        {
            return ReadTensorColumn(column, index, rows);
        }

        var values = Array.CreateInstance(DataTypes.ElementType(column.Type), rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            values.SetValue(Convert(rows[r].Fields[index], column, rows[r].Number), r);
        }

        return new DataColumn(column.Name, column.Type, values);
    }

    private static DataColumn ReadTensorColumn(ColumnSchema column, int index, List<Line> rows)
    {
        var documents = new List<JsonDocument>(rows.Count);
        try
        {
            foreach (var row in rows)
            {
                var cell = row.Fields[index].Text;
                try
                {
                    documents.Add(JsonDocument.Parse(cell));
                }
                catch (JsonException)
                {
                    throw KeelException.InvalidParameter(
                        $"CSV line {row.Number}, column '{column.Name}': a tensor cell must hold a JSON array such as \"[1, 2]\", got \"{cell}\".");
                }
            }

            return TensorInputsJson.ReadColumn(column, [.. documents.Select(d => d.RootElement)]);
        }
        finally
        {
            documents.ForEach(d => d.Dispose());
        }
    }

    private static object Convert(Field field, ColumnSchema column, int line)
    {
        var text = field.Text;
        if (text.Length == 0 && !field.Quoted)
        {
            // pandas writes a missing float as an empty cell; nothing else has an empty value.
            return column.Type switch
            {
                DataType.Float32 => (object)float.NaN,
                DataType.Float64 => double.NaN,
                _ => throw KeelException.InvalidParameter(
                    $"CSV line {line}, column '{column.Name}': the cell is empty, but a {JsonCells.TypeName(column.Type)} column needs a value (only float columns read an empty cell, as NaN)."),
            };
        }

        object? value = column.Type switch
        {
            DataType.Boolean => bool.TryParse(text, out var b) ? b : null,
            DataType.Int32 => TryInteger(text, out var l) && l is >= int.MinValue and <= int.MaxValue ? (int)l : null,
            DataType.Int64 => TryInteger(text, out var l) ? l : null,
            DataType.Float32 => TryFloat(text, out var d) && (float.IsFinite((float)d) || !double.IsFinite(d)) ? (float)d : null,
            DataType.Float64 => TryFloat(text, out var d) ? d : null,
            _ => text,
        };
        return value ?? throw KeelException.InvalidParameter(
            $"CSV line {line}, column '{column.Name}': expected {JsonCells.TypeName(column.Type)}, got \"{text}\".");
    }

    private static bool TryInteger(string text, out long value)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        // "3.0" names an integer too, as pandas writes an integer column that once held a NaN.
        var isIntegral = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) && d == Math.Floor(d) && d >= long.MinValue && d < -(double)long.MinValue;
        value = isIntegral ? (long)d : 0;
        return isIntegral;
    }

    private static bool TryFloat(string text, out double value)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "NAN":
                value = double.NaN;
                return true;
            case "INF" or "+INF" or "INFINITY" or "+INFINITY":
                value = double.PositiveInfinity;
                return true;
            case "-INF" or "-INFINITY":
                value = double.NegativeInfinity;
                return true;
            default:
                // .NET parses an out-of-range number as infinity; that is not the number sent.
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
        }
    }

    // RFC 4180 records, tolerant like pandas: a quote inside an unquoted field is kept as text.
    private static List<Line> Split(string text)
    {
        var lines = new List<Line>();
        var fields = new List<Field>();
        var field = new StringBuilder();
        var quoted = false;
        var inQuotes = false;
        var lineNumber = 1;
        var start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    lineNumber += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0 && !quoted)
            {
                inQuotes = quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(new Field(field.ToString(), quoted));
                field.Clear();
                quoted = false;
            }
            else if (c is '\n' or '\r')
            {
                fields.Add(new Field(field.ToString(), quoted));
                lines.Add(new Line(start, fields));
                fields = [];
                field.Clear();
                quoted = false;
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 1 : 0;
                start = ++lineNumber;
            }
            else
            {
                field.Append(c);
            }
        }

        if (inQuotes)
        {
            throw KeelException.InvalidParameter($"CSV line {start}: a quoted field is never closed.");
        }

        if (field.Length > 0 || quoted || fields.Count > 0)
        {
            fields.Add(new Field(field.ToString(), quoted));
            lines.Add(new Line(start, fields));
        }

        return lines;
    }
}
