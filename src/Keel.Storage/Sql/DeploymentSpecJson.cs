using System.Text;
using System.Text.Json;
using Keel.Core.Deployments;

namespace Keel.Storage.Sql;

/// <summary>
/// A deployment revision's spec as the one JSON text every backend stores, in a fixed snake_case shape of its own, so
/// renaming a C# property never changes stored data. The name is not in it: it lives on the deployment row.
/// </summary>
internal static class DeploymentSpecJson
{
    public static string Write(DeploymentSpec spec)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("routes");
            foreach (var route in spec.Routes)
            {
                json.WriteStartObject();
                json.WriteString("name", route.Name);
                json.WriteString("model_uri", route.ModelUri);
                json.WriteNumber("weight", route.Weight);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("shadows");
            foreach (var shadow in spec.Shadows)
            {
                json.WriteStartObject();
                json.WriteString("name", shadow.Name);
                json.WriteString("model_uri", shadow.ModelUri);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("sticky_header", spec.StickyHeader);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static DeploymentSpec Read(string name, string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var routes = root.GetProperty("routes").EnumerateArray()
            .Select(r => new TrafficRoute(r.GetProperty("name").GetString()!, r.GetProperty("model_uri").GetString()!, r.GetProperty("weight").GetDouble()))
            .ToArray();
        var shadows = root.GetProperty("shadows").EnumerateArray()
            .Select(s => new ShadowRoute(s.GetProperty("name").GetString()!, s.GetProperty("model_uri").GetString()!))
            .ToArray();
        var sticky = root.TryGetProperty("sticky_header", out var header) && header.ValueKind == JsonValueKind.String ? header.GetString() : null;
        return new DeploymentSpec(name, routes, shadows, sticky);
    }
}
