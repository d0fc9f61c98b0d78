using System.Text.Json;
using Keel.Core.Models;

namespace Keel.Core.Serving;

/// <summary>The Open Inference Protocol's metadata bodies for <c>GET /v2</c> and <c>GET /v2/models/{name}</c>.</summary>
public static class OipMetadata
{
    /// <summary><c>{"name", "version", "extensions": [...]}</c>.</summary>
    public static byte[] Server(string name, string version, IEnumerable<string> extensions)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(extensions);
        return JsonBytes.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("version", version);
            WriteStrings(json, "extensions", extensions);
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>{"name", "versions", "platform", "inputs": [{"name", "datatype", "shape"}], "outputs": [...]}</c>; each
    /// tensor's shape is <c>[-1, ...rowShape]</c>, the batch dimension left open.
    /// </summary>
    public static byte[] Model(string name, IReadOnlyList<string> versions, string platform, IReadOnlyList<ColumnSchema> inputs, IReadOnlyList<ColumnSchema> outputs)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        return JsonBytes.Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            WriteStrings(json, "versions", versions);
            json.WriteString("platform", platform);
            WriteTensors(json, "inputs", inputs);
            WriteTensors(json, "outputs", outputs);
            json.WriteEndObject();
        });
    }

    private static void WriteStrings(Utf8JsonWriter json, string property, IEnumerable<string> values)
    {
        json.WriteStartArray(property);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteTensors(Utf8JsonWriter json, string property, IReadOnlyList<ColumnSchema> columns)
    {
        json.WriteStartArray(property);
        foreach (var column in columns)
        {
            json.WriteStartObject();
            json.WriteString("name", column.Name);
            json.WriteString("datatype", OipDataTypes.Of(column.Type));
            json.WriteStartArray("shape");
            json.WriteNumberValue(-1);
            foreach (var d in column.RowShape)
            {
                json.WriteNumberValue(d);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
