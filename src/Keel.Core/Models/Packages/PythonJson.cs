using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keel.Core.Models.Packages;

/// <summary>
/// Writes JSON the way Python's <c>json.dumps</c> does with its defaults (", " and ": " separators, non-ASCII
/// escaped as \uXXXX), so a signature Keel writes is byte-for-byte what the MLflow client would write.
/// </summary>
internal sealed class PythonJson
{
    private readonly StringBuilder _text = new();

    public PythonJson StartObject() => Append("{");

    public PythonJson EndObject() => Append("}");

    public PythonJson StartArray() => Append("[");

    public PythonJson EndArray() => Append("]");

    /// <summary>Writes ", " unless this is the first item (<paramref name="index"/> 0) of an object or array.</summary>
    public PythonJson Separator(int index) => index == 0 ? this : Append(", ");

    public PythonJson Key(string name) => String(name).Append(": ");

    public PythonJson String(string value)
    {
        _text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\n': _text.Append("\\n"); break;
                case '\r': _text.Append("\\r"); break;
                case '\t': _text.Append("\\t"); break;
                case '\b': _text.Append("\\b"); break;
                case '\f': _text.Append("\\f"); break;
                case < ' ' or > '\u007f': _text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: _text.Append(c); break;
            }
        }
        _text.Append('"');
        return this;
    }

    public PythonJson Bool(bool value) => Append(value ? "true" : "false");

    public PythonJson Null() => Append("null");

    public PythonJson Number(long value) => Append(value.ToString(CultureInfo.InvariantCulture));

    public PythonJson Numbers(IReadOnlyList<long> values)
    {
        StartArray();
        for (var i = 0; i < values.Count; i++)
        {
            Separator(i).Number(values[i]);
        }
        return EndArray();
    }

    /// <summary>Writes any JSON value, keeping numbers exactly as they were written.</summary>
    public PythonJson Element(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                StartObject();
                var i = 0;
                foreach (var property in value.EnumerateObject())
                {
                    Separator(i++).Key(property.Name).Element(property.Value);
                }
                return EndObject();
            case JsonValueKind.Array:
                StartArray();
                var j = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Separator(j++).Element(item);
                }
                return EndArray();
            case JsonValueKind.String:
                return String(value.GetString()!);
            case JsonValueKind.True or JsonValueKind.False:
                return Bool(value.GetBoolean());
            case JsonValueKind.Number:
                return Append(value.GetRawText());
            default:
                return Null();
        }
    }

    public override string ToString() => _text.ToString();

    private PythonJson Append(string text)
    {
        _text.Append(text);
        return this;
    }
}
