using System.Text.Json;
using Keel.Core.Common;

namespace Keel.Core.Models.Packages;

/// <summary>MLflow's JSON text of signature schemas and parameters: field names and order as MLflow writes them.</summary>
internal static class SignatureJson
{
    public static SignatureSchema ParseSchema(string json)
    {
        using var document = ParseDocument(json, "signature schema");
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"A signature schema must be a JSON list, not {Kind(document.RootElement)}.");
        }
        var entries = document.RootElement.EnumerateArray().ToList();
        if (entries.Any(e => e.ValueKind != JsonValueKind.Object))
        {
            throw Invalid("Every entry of a signature schema must be a JSON object.");
        }
        var tensors = entries.Count(e => OptionalString(e, "type") == "tensor");
        if (tensors > 0 && tensors < entries.Count)
        {
            throw Invalid("A signature schema mixes tensor and column specs.");
        }
        return tensors > 0
            ? SignatureSchema.OfTensors(entries.Select(ReadTensor))
            : SignatureSchema.OfColumns(entries.Select(ReadColumn));
    }

    public static IReadOnlyList<ParamSpec> ParseParams(string json)
    {
        using var document = ParseDocument(json, "signature params");
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"Signature params must be a JSON list, not {Kind(document.RootElement)}.");
        }
        return document.RootElement.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.Object
            ? new ParamSpec(RequiredString(p, "name"), RequiredString(p, "type"),
                p.TryGetProperty("default", out var d) ? d.Clone() : default, OptionalShape(p, "shape"))
            : throw Invalid("Every signature param must be a JSON object.")).ToList();
    }

    public static string Write(SignatureSchema schema)
    {
        var json = new PythonJson().StartArray();
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var column = schema.Columns[i];
            json.Separator(i).StartObject().Key("type").String(column.Type);
            foreach (var (key, value) in column.TypeDetails)
            {
                json.Separator(1).Key(key).Element(value);
            }
            if (column.Name is not null)
            {
                json.Separator(1).Key("name").String(column.Name);
            }
            json.Separator(1).Key("required").Bool(column.Required).EndObject();
        }
        for (var i = 0; i < schema.Tensors.Count; i++)
        {
            var tensor = schema.Tensors[i];
            json.Separator(i).StartObject().Key("type").String("tensor")
                .Separator(1).Key("tensor-spec").StartObject()
                .Key("dtype").String(tensor.Dtype).Separator(1).Key("shape").Numbers(tensor.Shape).EndObject();
            if (tensor.Name is not null)
            {
                json.Separator(1).Key("name").String(tensor.Name);
            }
            json.EndObject();
        }
        return json.EndArray().ToString();
    }

    public static string Write(IReadOnlyList<ParamSpec> parameters)
    {
        var json = new PythonJson().StartArray();
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            json.Separator(i).StartObject().Key("name").String(p.Name).Separator(1).Key("type").String(p.Type)
                .Separator(1).Key("default").Element(p.Default).Separator(1).Key("shape");
            _ = p.Shape is null ? json.Null() : json.Numbers(p.Shape);
            json.EndObject();
        }
        return json.EndArray().ToString();
    }

    private static ColumnSpec ReadColumn(JsonElement entry)
    {
        var details = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in entry.EnumerateObject())
        {
            if (property.Name is not ("type" or "name" or "required"))
            {
                details[property.Name] = property.Value.Clone();
            }
        }
        var required = !entry.TryGetProperty("required", out var r) || r.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid("A column spec's 'required' must be true or false."),
        };
        return new ColumnSpec(OptionalString(entry, "name"), RequiredString(entry, "type"), required) { TypeDetails = details };
    }

    private static TensorSpec ReadTensor(JsonElement entry)
    {
        if (!entry.TryGetProperty("tensor-spec", out var spec) || spec.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("A tensor spec needs a 'tensor-spec' object with 'dtype' and 'shape'.");
        }
        var shape = OptionalShape(spec, "shape") ?? throw Invalid("A tensor spec needs a 'shape' list of integers.");
        return new TensorSpec(OptionalString(entry, "name"), RequiredString(spec, "dtype"), shape);
    }

    private static JsonDocument ParseDocument(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"The {what} is not valid JSON: {e.Message}", e);
        }
    }

    private static string RequiredString(JsonElement entry, string key) =>
        OptionalString(entry, key) ?? throw Invalid($"A signature entry needs a '{key}' string.");

    private static string? OptionalString(JsonElement entry, string key) =>
        !entry.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid($"A signature entry's '{key}' must be a string, not {Kind(value)}.");

    private static List<long>? OptionalShape(JsonElement entry, string key) =>
        !entry.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out _))
            ? value.EnumerateArray().Select(d => d.GetInt64()).ToList()
            : throw Invalid($"A signature entry's '{key}' must be a list of integers.");

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();

    private static KeelException Invalid(string message) => KeelException.InvalidParameter(message);
}
