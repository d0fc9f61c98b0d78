using System.Globalization;
using Keel.Core.Common;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keel.Core.Models.Packages;

/// <summary>
/// Converts YAML text to plain values and back: mappings become ordered
/// <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to value, sequences <see cref="IReadOnlyList{T}"/>,
/// scalars string, long, double, bool or null.
/// </summary>
internal static class YamlTree
{
    // Aliases share nodes, so a few lines of YAML can expand into billions of values; an MLmodel file is small.
    private const int MaxValues = 100_000;

    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>Reads a single-document YAML text; throws INVALID_PARAMETER_VALUE naming <paramref name="what"/>.</summary>
    public static object? Load(string yaml, string what)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"{what} is not valid YAML: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // YamlDotNet reports a key that appears twice in a mapping this way.
            throw new KeelException(ErrorCode.InvalidParameterValue, $"{what} is not valid YAML: {e.Message}", e);
        }

        if (stream.Documents.Count > 1)
        {
            throw KeelException.InvalidParameter($"{what} must hold one YAML document, not {stream.Documents.Count}.");
        }
        var budget = MaxValues;
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, what, ref budget);
    }

    /// <summary>Writes <paramref name="value"/> as a block-style YAML document, mapping keys in ordinal order as PyYAML does.</summary>
    public static string Emit(object? value)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer, new EmitterSettings(bestIndent: 2, bestWidth: 80, isCanonical: false, maxSimpleKeyLength: 1024, newLine: "\n"));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        EmitValue(emitter, value);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static object? Convert(YamlNode node, string what, ref int budget)
    {
        if (--budget < 0)
        {
            throw KeelException.InvalidParameter($"{what} holds more than {MaxValues} values.");
        }
        switch (node)
        {
            case YamlScalarNode scalar:
                var text = scalar.Value ?? string.Empty;
                // Quoted, block and '!!str'-tagged scalars are text; only plain ones can be numbers, booleans or null.
                var plain = scalar.Style == ScalarStyle.Plain && (scalar.Tag.IsEmpty || (scalar.Tag.Value != StringTag && !scalar.Tag.IsNonSpecific));
                return plain ? YamlScalars.Resolve(text) : text;
            case YamlSequenceNode sequence:
                var items = new List<object?>(sequence.Children.Count);
                foreach (var child in sequence.Children)
                {
                    items.Add(Convert(child, what, ref budget));
                }
                return items;
            case YamlMappingNode mapping:
                var map = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, child) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw KeelException.InvalidParameter($"{what} has a mapping key at {key.Start} that is not a plain text key.");
                    }
                    if (!map.TryAdd(name, Convert(child, what, ref budget)))
                    {
                        throw KeelException.InvalidParameter($"{what} has the key '{name}' twice in one mapping.");
                    }
                }
                return map;
            default:
                throw KeelException.InvalidParameter($"{what} has an unsupported YAML node at {node.Start}.");
        }
    }

    private static void EmitValue(IEmitter emitter, object? value)
    {
        switch (value)
        {
            case null:
                EmitPlain(emitter, "null");
                break;
            case string text:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text,
                    YamlScalars.NeedsQuotes(text) ? ScalarStyle.SingleQuoted : ScalarStyle.Any, isPlainImplicit: true, isQuotedImplicit: true));
                break;
            case bool flag:
                EmitPlain(emitter, flag ? "true" : "false");
                break;
            case double or float:
                EmitPlain(emitter, YamlScalars.FormatDouble(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)));
                break;
            case int or long or short or byte or sbyte or ushort or uint or ulong:
                EmitPlain(emitter, System.Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                EmitMapping(emitter, map);
                break;
            case System.Collections.IDictionary dictionary:
                EmitMapping(emitter, dictionary.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(
                    k as string ?? throw new ArgumentException("YAML mapping keys must be strings.", nameof(value)), dictionary[k])));
                break;
            case System.Collections.IEnumerable list:
                var items = list.Cast<object?>().ToList();
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, items.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in items)
                {
                    EmitValue(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            default:
                throw new ArgumentException($"A {value.GetType().Name} cannot be written to YAML; use string, number, bool, null, a string-keyed dictionary or a list.", nameof(value));
        }
    }

    private static void EmitMapping(IEmitter emitter, IEnumerable<KeyValuePair<string, object?>> map)
    {
        var entries = map.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, entries.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
        foreach (var (key, item) in entries)
        {
            EmitValue(emitter, key);
            EmitValue(emitter, item);
        }
        emitter.Emit(new MappingEnd());
    }

    private static void EmitPlain(IEmitter emitter, string text) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
}
