using System.Buffers;
using System.Text.Json;
using Keel.Core.Models;
using Keel.Core.Models.Json;

namespace Keel.Core.Serving;

/// <summary>The body of an MLflow <c>/invocations</c> answer: <c>{"predictions": …}</c>.</summary>
public static class MlflowScoringResponse
{
    /// <summary>
    /// Writes <paramref name="outputs"/> as UTF-8 JSON. One output column becomes a flat list with one entry per
    /// row (a tensor row as nested lists, row-major); several become a list of per-row objects
    /// <c>{column: value}</c>, as pandas' records orientation gives them. NaN and ±Infinity are written as the bare
    /// tokens <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>, exactly as MLflow's scoring server does (it serializes
    /// with Python's <c>json.dump</c>, whose <c>allow_nan</c> is on): Python clients read them back, strict JSON
    /// parsers do not.
    /// </summary>
    public static byte[] Write(DataBatch outputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, outputs);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the same answer as <see cref="Write(DataBatch)"/> to <paramref name="json"/> and flushes it.</summary>
    public static void Write(Utf8JsonWriter json, DataBatch outputs)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(outputs);
        json.WriteStartObject();
        json.WriteStartArray("predictions"u8);
        var columns = outputs.Columns;
        for (var row = 0; row < outputs.RowCount; row++)
        {
            if (columns.Count == 1)
            {
                WriteCell(json, columns[0], row);
                continue;
            }

            json.WriteStartObject();
            for (var c = 0; c < columns.Count; c++)
            {
                json.WritePropertyName(columns[c].Name);
                WriteCell(json, columns[c], row);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    // Finite scalars of the common types are written from their typed arrays, without boxing; everything else (tensor
    // rows, NaN and ±Infinity) goes through the shared cell writer.
    private static void WriteCell(Utf8JsonWriter json, DataColumn column, int row)
    {
        if (column.RowShape.Count == 0)
        {
            switch (column.Values)
            {
                case float[] floats when float.IsFinite(floats[row]):
                    json.WriteNumberValue(floats[row]);
                    return;
                case double[] doubles when double.IsFinite(doubles[row]):
                    json.WriteNumberValue(doubles[row]);
                    return;
                case long[] longs:
                    json.WriteNumberValue(longs[row]);
                    return;
                case int[] ints:
                    json.WriteNumberValue(ints[row]);
                    return;
                case bool[] bools:
                    json.WriteBooleanValue(bools[row]);
                    return;
            }
        }

        JsonCells.WriteRow(json, column, row, NonFiniteFloats.PythonLiterals);
    }
}
