using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Models.Packages;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Keel.Core.Pipelines;

/// <summary>A YAML node with the 1-based line it starts on, so errors can point into the file.</summary>
internal abstract record YNode(int Line);

/// <summary>
/// A scalar: <see cref="Text"/> as written; <see cref="Value"/> typed as YamlTree does (only plain scalars become
/// numbers, booleans or null).
/// </summary>
internal sealed record YScalar(int Line, string Text, bool Plain) : YNode(Line)
{
    public object? Value => Plain ? YamlScalars.Resolve(Text) : Text;

    public bool IsNull => Value is null;
}

internal sealed record YSeq(int Line, IReadOnlyList<YNode> Items) : YNode(Line);

internal sealed record YMap(int Line, IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries) : YNode(Line)
{
    public YNode? Get(string key) => Entries.FirstOrDefault(e => e.Key.Text == key).Value;

    public YScalar? KeyOf(string key) => Entries.FirstOrDefault(e => e.Key.Text == key).Key;
}

/// <summary>
/// Reads YAML into <see cref="YNode"/>s from the parser's events, keeping line numbers (YamlDotNet's representation
/// model reports a repeated key without its line).
/// </summary>
internal static class YamlDoc
{
    // Aliases share nodes, so a few lines can expand into billions of values; a pipeline file is small.
    private const int MaxValues = 100_000;

    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>The document's root, or null for an empty text. Errors read <c>&lt;fileName&gt;:&lt;line&gt;: …</c>.</summary>
    public static YNode? Load(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, (YNode Node, int Size)>(StringComparer.Ordinal);
        var budget = MaxValues;
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            var root = Read(parser, anchors, fileName, "", ref budget);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                throw KeelException.InvalidParameter($"{fileName}:{parser.Current?.Start.Line}: holds more than one YAML document.");
            }
            return root is YScalar { IsNull: true } ? null : root;
        }
        catch (YamlException e)
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"{fileName}:{e.Start.Line}: not valid YAML: {Reason(e)}", e);
        }
    }

    private static YNode Read(IParser parser, Dictionary<string, (YNode Node, int Size)> anchors, string fileName, string path, ref int budget)
    {
        var before = budget;
        if (--budget < 0)
        {
            throw KeelException.InvalidParameter($"{fileName}: holds more than {MaxValues} values.");
        }
        var current = parser.Current ?? throw new YamlException("unexpected end of the document");
        var line = (int)current.Start.Line;
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (!anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw KeelException.InvalidParameter($"{fileName}:{line}: unknown YAML alias '*{alias.Value.Value}'.");
                }
                // An alias counts as a copy of what it names, so nested aliases cannot hide an exponential document.
                budget -= target.Size;
                return budget >= 0 ? target.Node : throw KeelException.InvalidParameter($"{fileName}: holds more than {MaxValues} values.");
            case Scalar scalar:
                parser.MoveNext();
                var plain = scalar.Style == ScalarStyle.Plain && (scalar.Tag.IsEmpty || (scalar.Tag.Value != StringTag && !scalar.Tag.IsNonSpecific));
                return Anchor(anchors, scalar.Anchor, new YScalar(line, scalar.Value, plain), before - budget);
            case SequenceStart start:
                parser.MoveNext();
                var items = new List<YNode>();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(Read(parser, anchors, fileName, string.Create(CultureInfo.InvariantCulture, $"{path}[{items.Count}]"), ref budget));
                }
                return Anchor(anchors, start.Anchor, new YSeq(line, items), before - budget);
            case MappingStart start:
                parser.MoveNext();
                var entries = new List<KeyValuePair<YScalar, YNode>>();
                var merged = new List<YMap>();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (Read(parser, anchors, fileName, path, ref budget) is not YScalar key)
                    {
                        throw KeelException.InvalidParameter($"{fileName}:{line}: a mapping key must be plain text.");
                    }
                    var value = Read(parser, anchors, fileName, path.Length == 0 ? key.Text : $"{path}.{key.Text}", ref budget);
                    if (key is { Plain: true, Text: "<<" })
                    {
                        merged.AddRange(MergeSources(value, fileName));
                        continue;
                    }
                    if (entries.Exists(e => e.Key.Text == key.Text))
                    {
                        throw KeelException.InvalidParameter(path.Length == 0
                            ? $"{fileName}:{key.Line}: {key.Text}: the key appears twice"
                            : $"{fileName}:{key.Line}: {path}: '{key.Text}' appears twice");
                    }
                    entries.Add(new(key, value));
                }
                // YAML merge keys ('<<: *defaults'): keys written here win, then earlier sources over later ones.
                foreach (var entry in merged.SelectMany(m => m.Entries))
                {
                    if (!entries.Exists(e => e.Key.Text == entry.Key.Text))
                    {
                        entries.Add(entry);
                    }
                }
                return Anchor(anchors, start.Anchor, new YMap(line, entries), before - budget);
            default:
                throw KeelException.InvalidParameter($"{fileName}:{line}: unsupported YAML ({current.GetType().Name}).");
        }
    }

    private static IEnumerable<YMap> MergeSources(YNode value, string fileName) =>
        value switch
        {
            YMap map => [map],
            YSeq seq when seq.Items.All(i => i is YMap) => seq.Items.Cast<YMap>(),
            _ => throw KeelException.InvalidParameter($"{fileName}:{value.Line}: <<: a merge key takes a mapping or a list of mappings (e.g. <<: *defaults)."),
        };

    private static YNode Anchor(Dictionary<string, (YNode Node, int Size)> anchors, AnchorName anchor, YNode node, int size)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = (node, size);
        }
        return node;
    }

    // YamlDotNet prefixes its messages with the position, which the caller already reports.
    private static string Reason(YamlException e)
    {
        var message = e.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && close > 0 ? message[(close + 3)..] : message;
    }
}
