using System.Text;
using System.Text.Json;
using Keel.Core.Datasets;

namespace Keel.Storage.Sql;

/// <summary>
/// A dataset version's column schema as the JSON text every backend stores, in a fixed snake_case shape of its own,
/// so renaming a C# property never changes stored data.
/// </summary>
internal static class DatasetSchemaJson
{
    public static string Write(IReadOnlyList<DatasetColumn> columns)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var column in columns)
            {
                json.WriteStartObject();
                json.WriteString("name", column.Name);
                json.WriteString("type", column.Type);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static DatasetColumn[] Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.EnumerateArray()
            .Select(c => new DatasetColumn(c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!))
            .ToArray();
    }
}
