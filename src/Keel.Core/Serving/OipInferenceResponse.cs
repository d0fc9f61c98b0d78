using Keel.Core.Common;
using Keel.Core.Models;

namespace Keel.Core.Serving;

/// <summary>
/// An Open Inference Protocol v2 inference response (REST/JSON):
/// <c>{"model_name", "model_version"?, "id"?, "outputs": [{"name", "shape", "datatype", "data"}]}</c>.
/// </summary>
public static class OipInferenceResponse
{
    /// <summary>
    /// Throws <see cref="KeelException"/> INVALID_PARAMETER_VALUE naming every requested output the model does not
    /// have. Call it before scoring, so a bad request is refused without running the model.
    /// </summary>
    public static void ValidateRequestedOutputs(IReadOnlyList<string> requested, IReadOnlyList<ColumnSchema> outputs)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(outputs);
        ThrowIfUnknown(requested, [.. outputs.Select(o => o.Name)]);
    }

    /// <summary>
    /// Writes <paramref name="outputs"/> as UTF-8 JSON: every column when <paramref name="requested"/> is empty,
    /// else the requested ones in that order. Each tensor's shape is <c>[rows, ...rowShape]</c>, its data flat and
    /// row-major; NaN and ±Infinity are written as null, since JSON has no number for them. Omits
    /// <c>model_version</c> and <c>id</c> when null.
    /// </summary>
    public static byte[] Write(string modelName, string? modelVersion, string? id, DataBatch outputs, IReadOnlyList<string> requested)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(requested);
        ThrowIfUnknown(requested, [.. outputs.Columns.Select(c => c.Name)]);
        var columns = requested.Count == 0 ? outputs.Columns : [.. requested.Distinct(StringComparer.Ordinal).Select(n => outputs[n])];
        return JsonBytes.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("model_name", modelName);
            if (modelVersion is not null)
            {
                json.WriteString("model_version", modelVersion);
            }

            if (id is not null)
            {
                json.WriteString("id", id);
            }

            json.WriteStartArray("outputs");
            foreach (var column in columns)
            {
                OipTensors.Write(json, column);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static void ThrowIfUnknown(IReadOnlyList<string> requested, List<string> names)
    {
        var unknown = requested.Where(r => !names.Contains(r)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw KeelException.InvalidParameter(
                $"Unknown output(s) {JsonBytes.Quoted(unknown)} requested; the model's outputs are {string.Join(", ", names)}.");
        }
    }
}
