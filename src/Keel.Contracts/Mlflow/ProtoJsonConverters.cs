using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Contracts.Mlflow;

/// <summary>
/// A protobuf enum field: protobuf JSON accepts the value's name or its number, so <c>"ALL"</c> and <c>3</c> both
/// read; the number is kept as text and interpreted by the domain.
/// </summary>
public sealed class ProtoEnumConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number when reader.TryGetInt32(out var number) => number.ToString(CultureInfo.InvariantCulture),
            JsonTokenType.Null => null,
            _ => throw new JsonException("expected an enum name or number"),
        };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}

/// <summary>
/// A list of ids: MLflow's server accepts <c>["27"]</c> and <c>[27]</c> alike, so integer ids read as text too.
/// </summary>
public sealed class ProtoIdListConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected a list of ids");
        }
        var ids = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ids.Add(reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number when reader.TryGetInt64(out var id) => id.ToString(CultureInfo.InvariantCulture),
                _ => throw new JsonException("expected an id as a string or an integer"),
            });
        }
        return ids;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var id in value)
        {
            writer.WriteStringValue(id);
        }
        writer.WriteEndArray();
    }
}
