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
        ArgumentNullException.ThrowIfNull(outputs);
        return JsonBytes.Write(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("predictions");
            for (var row = 0; row < outputs.RowCount; row++)
            {
                if (outputs.Columns.Count == 1)
                {
                    JsonCells.WriteRow(json, outputs.Columns[0], row, NonFiniteFloats.PythonLiterals);
                    continue;
                }

                json.WriteStartObject();
                foreach (var column in outputs.Columns)
                {
                    json.WritePropertyName(column.Name);
                    JsonCells.WriteRow(json, column, row, NonFiniteFloats.PythonLiterals);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
