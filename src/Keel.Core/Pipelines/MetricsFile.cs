using System.Globalization;
using System.Text.Json;
using Keel.Core.Common;

namespace Keel.Core.Pipelines;

/// <summary>Reads a stage's metrics file (what its <c>metrics:</c> names) into run metrics.</summary>
public static class MetricsFile
{
    /// <summary>
    /// The numeric leaves of a JSON (<c>.json</c>) or YAML (any other extension) document under dotted keys
    /// (<c>{"eval": {"auc": 0.9}}</c> → <c>eval.auc = 0.9</c>); booleans, text, nulls and lists are ignored.
    /// Throws INVALID_PARAMETER_VALUE naming <paramref name="fileName"/> when the text does not parse or is not a mapping.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Flatten(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new KeelException(ErrorCode.InvalidParameterValue,
                    string.Create(CultureInfo.InvariantCulture, $"{fileName}:{e.LineNumber + 1}: not valid JSON: {e.Message}"), e);
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw KeelException.InvalidParameter($"{fileName}: expected a JSON object of metric names to numbers, not {document.RootElement.ValueKind}.");
                }
                Walk(document.RootElement, "", metrics);
            }
            return metrics;
        }
        switch (YamlDoc.Load(text, fileName))
        {
            case YMap map:
                Walk(map, "", metrics);
                return metrics;
            case var other:
                throw KeelException.InvalidParameter($"{fileName}:{other?.Line ?? 1}: expected a mapping of metric names to numbers.");
        }
    }

    private static void Walk(JsonElement element, string prefix, SortedDictionary<string, double> metrics)
    {
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var number))
            {
                metrics[key] = number;
            }
            else if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Walk(property.Value, key + ".", metrics);
            }
        }
    }

    private static void Walk(YMap map, string prefix, SortedDictionary<string, double> metrics)
    {
        foreach (var (name, value) in map.Entries)
        {
            var key = prefix + name.Text;
            switch (value)
            {
                case YScalar { Value: long number }:
                    metrics[key] = number;
                    break;
                case YScalar { Value: double number }:
                    metrics[key] = number;
                    break;
                case YMap child:
                    Walk(child, key + ".", metrics);
                    break;
            }
        }
    }
}
