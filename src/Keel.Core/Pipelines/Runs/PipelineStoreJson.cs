using System.Text.Json;
using Keel.Core.Common;

namespace Keel.Core.Pipelines.Runs;

/// <summary>
/// The JSON texts every pipeline store backend keeps for the few structured columns (triggers, outs, param
/// overrides), so SQLite and PostgreSQL hold the same text. Enum values are stored by name.
/// </summary>
public static class PipelineStoreJson
{
    public static string WriteTriggers(IReadOnlyList<PipelineTrigger> triggers)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        return WriteList(triggers.Select(t => new Dictionary<string, string> { ["kind"] = t.Kind.ToString(), ["target"] = t.Target }));
    }

    public static IReadOnlyList<PipelineTrigger> ReadTriggers(string json) =>
        Read(json, "pipeline triggers", e => e.EnumerateArray().Select(t => new PipelineTrigger(
            Enum.Parse<PipelineTriggerKind>(t.GetProperty("kind").GetString()!), t.GetProperty("target").GetString()!)).ToArray());

    public static string WriteMap(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IReadOnlyDictionary<string, string> ReadMap(string json) =>
        Read(json, "pipeline map", e => (IReadOnlyDictionary<string, string>)e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal));

    private static string WriteList(IEnumerable<Dictionary<string, string>> items)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                writer.WriteStartObject();
                foreach (var (key, value) in item)
                {
                    writer.WriteString(key, value);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static T Read<T>(string json, string what, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new KeelException(ErrorCode.InternalError, $"Stored {what} cannot be read: {e.Message}", e);
        }
    }
}
