using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Keel.Core.Common;

namespace Keel.Core.Pipelines;

/// <summary>
/// The values of <c>params.yaml</c> (beside <c>keel.yaml</c>), addressed by dotted keys (<c>train.lr</c>), with
/// command-line overrides (<c>--set train.lr=0.2</c>). A key may name a whole section (<c>train</c>), whose value is
/// then the section as JSON. Immutable: <see cref="WithOverrides"/> returns a new instance.
/// </summary>
public sealed class PipelineParams
{
    private readonly YMap root;

    private PipelineParams(YMap root, string fileName)
    {
        this.root = root;
        FileName = fileName;
    }

    /// <summary>How errors name the params file, e.g. <c>params.yaml</c>.</summary>
    public string FileName { get; }

    /// <summary>No params at all (a pipeline without <c>params.yaml</c>).</summary>
    public static PipelineParams Empty { get; } = new(new YMap(1, []), "params.yaml");

    /// <summary>Parses a params file; null or blank text means no params. Throws INVALID_PARAMETER_VALUE when it is not a YAML mapping.</summary>
    public static PipelineParams Parse(string? paramsYaml, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return YamlDoc.Load(paramsYaml ?? "", fileName) switch
        {
            null => new PipelineParams(new YMap(1, []), fileName),
            YMap map => new PipelineParams(map, fileName),
            var other => throw KeelException.InvalidParameter($"{fileName}:{other.Line}: expected a mapping of param names to values."),
        };
    }

    /// <summary>
    /// A copy with <c>key=value</c> assignments applied in order; the value is read as a YAML scalar or flow value
    /// (<c>0.2</c> is a number, <c>true</c> a boolean, <c>"0.2"</c> text, <c>[1,2]</c> a list). Missing sections are created.
    /// Throws INVALID_PARAMETER_VALUE naming the assignment when it is not <c>dotted.key=value</c>.
    /// </summary>
    public PipelineParams WithOverrides(IEnumerable<string> assignments)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var map = root;
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? "" : assignment[..equals].Trim();
            if (equals < 0 || !PipelineFileReader.ParamKeyShape().IsMatch(key))
            {
                throw KeelException.InvalidParameter($"Invalid param override '{assignment}': expected dotted.key=value, e.g. train.lr=0.2.");
            }
            var text = assignment[(equals + 1)..];
            YNode value;
            try
            {
                value = YamlDoc.Load(text, $"--set {key}") ?? new YScalar(1, "", Plain: true);
            }
            catch (KeelException e)
            {
                throw KeelException.InvalidParameter($"Invalid param override '{assignment}': the value is not a YAML value ({e.Message}).");
            }
            map = Set(map, key.Split('.'), value, assignment);
        }
        return new PipelineParams(map, FileName);
    }

    /// <summary>True with the canonical JSON text of <paramref name="key"/>'s value when the key exists.</summary>
    public bool TryGetJson(string key, out string json)
    {
        json = "";
        if (Find(key) is not { } node)
        {
            return false;
        }
        json = Json(node);
        return true;
    }

    /// <summary>
    /// True with the text <c>${key}</c> stands for in a command: a scalar's text as written (<c>0.10</c>, <c>abc</c>,
    /// <c>true</c>; null is empty), a list or mapping as JSON.
    /// </summary>
    public bool TryGetText(string key, out string text)
    {
        text = "";
        if (Find(key) is not { } node)
        {
            return false;
        }
        text = node is YScalar scalar ? (scalar.IsNull ? "" : scalar.Text) : Json(node);
        return true;
    }

    /// <summary>
    /// The canonical JSON text (ordinal key order, no spaces) of each of <paramref name="stage"/>'s params: what
    /// <see cref="StageLock.Params"/> records. A missing key throws INVALID_PARAMETER_VALUE
    /// <c>&lt;pipelineFile&gt;:&lt;line&gt;: stage 'x': params: 'k' is not in params.yaml</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> ValuesFor(StageSpec stage, string pipelineFileName = PipelineFile.DefaultFileName)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < stage.Params.Count; i++)
        {
            var key = stage.Params[i];
            values[key] = TryGetJson(key, out var json)
                ? json
                : throw PipelineFileRules.Fail(pipelineFileName, stage.LineOf(PipelineFileRules.Index("params", i)), stage.Name, "params", $"'{key}' is not in {FileName}");
        }
        return values;
    }

    /// <summary>
    /// Replaces each <c>${dotted.key}</c> in <paramref name="text"/> with <see cref="TryGetText"/>'s text and each
    /// escaped <c>\${…}</c> with a literal <c>${…}</c>. <paramref name="where"/> prefixes the error for a missing key
    /// (e.g. <c>keel.yaml:4: stage 'train': cmd</c>). Keys used are added to <paramref name="used"/> when given.
    /// </summary>
    public string Interpolate(string text, string where, ICollection<string>? used = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PipelineFileReader.Reference().Replace(text, match =>
        {
            var name = match.Groups["name"].Value;
            if (match.Groups["escape"].Success)
            {
                return match.Value[1..];
            }
            if (!PipelineFileReader.ParamKeyShape().IsMatch(name))
            {
                throw KeelException.InvalidParameter($"{where}: ${{{name}}} is not a dotted params key such as ${{train.lr}}");
            }
            if (!TryGetText(name, out var value))
            {
                throw KeelException.InvalidParameter($"{where}: ${{{name}}}: '{name}' is not in {FileName}");
            }
            if (used is not null && !used.Contains(name))
            {
                used.Add(name);
            }
            return value;
        });
    }

    // A key may also be written with dots inside one mapping key ("train.lr: 0.1"), so try the longest prefix first.
    private YNode? Find(string key)
    {
        YNode? node = root;
        var parts = key.Split('.');
        var i = 0;
        while (i < parts.Length)
        {
            var (next, used) = Step(node, parts, i);
            if (next is null)
            {
                return null;
            }
            node = next;
            i += used;
        }
        return node;
    }

    private static (YNode? Node, int Parts) Step(YNode node, string[] parts, int from)
    {
        for (var length = parts.Length - from; length >= 1; length--)
        {
            var next = node switch
            {
                YMap map => map.Get(string.Join('.', parts, from, length)),
                YSeq seq when length == 1 && int.TryParse(parts[from], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < seq.Items.Count =>
                    seq.Items[index],
                _ => null,
            };
            if (next is not null)
            {
                return (next, length);
            }
        }
        return (null, 0);
    }

    private static YMap Set(YMap map, string[] parts, YNode value, string assignment)
    {
        var entries = map.Entries.ToList();
        var at = entries.FindIndex(e => e.Key.Text == parts[0]);
        YNode replacement;
        if (parts.Length == 1)
        {
            replacement = value;
        }
        else
        {
            var child = at < 0 ? new YMap(1, []) : entries[at].Value as YMap;
            if (child is null && entries[at].Value is YScalar { IsNull: true })
            {
                child = new YMap(1, []);
            }
            replacement = Set(child ?? throw KeelException.InvalidParameter(
                $"Invalid param override '{assignment}': '{parts[0]}' is not a mapping, so it has no '{parts[1]}'."), parts[1..], value, assignment);
        }
        var entry = new KeyValuePair<YScalar, YNode>(at < 0 ? new YScalar(1, parts[0], Plain: false) : entries[at].Key, replacement);
        if (at < 0)
        {
            entries.Add(entry);
        }
        else
        {
            entries[at] = entry;
        }
        return new YMap(map.Line, entries);
    }

    private static string Json(YNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, node);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YNode node)
    {
        switch (node)
        {
            case YScalar scalar:
                switch (scalar.Value)
                {
                    case null:
                        writer.WriteNullValue();
                        break;
                    case bool flag:
                        writer.WriteBooleanValue(flag);
                        break;
                    case long number:
                        writer.WriteNumberValue(number);
                        break;
                    case double number when double.IsFinite(number):
                        writer.WriteNumberValue(number);
                        break;
                    case double number:
                        writer.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                        break;
                    default:
                        writer.WriteStringValue(scalar.Text);
                        break;
                }
                break;
            case YSeq seq:
                writer.WriteStartArray();
                foreach (var item in seq.Items)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            case YMap map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Entries.OrderBy(e => e.Key.Text, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key.Text);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
        }
    }
}
