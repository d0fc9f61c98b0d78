using System.Globalization;
using System.Text.Json;
using Keel.Core.Common;
using Keel.Core.Models.Json;
using Keel.Core.Models.Packages;

namespace Keel.Core.Serving;

/// <summary>
/// Checks the <c>params</c> of an <c>/invocations</c> request against the params schema of a model's signature, as
/// MLflow's params enforcement does: a scalar param takes one value of its type, a param of shape <c>[-1]</c> a list
/// of them; <c>float</c> and <c>double</c> take integers too, <c>integer</c> and <c>long</c> no fractions,
/// <c>datetime</c> an ISO 8601 string. Unlike MLflow, which drops unknown names with a warning, an unknown name is an
/// error: a misspelt param would otherwise be silently replaced by its default.
/// </summary>
public static class ScoringParams
{
    /// <summary>
    /// Every param of <paramref name="schema"/>, in its order: the value <paramref name="given"/> holds for it, or its
    /// default when it holds none (or when nothing was given). Throws one <see cref="KeelException"/>
    /// (INVALID_PARAMETER_VALUE) naming every unknown param (with the known ones) and every value of the wrong type
    /// or shape (with the type expected).
    /// </summary>
    /// <param name="schema">The signature's params.</param>
    /// <param name="given">The request's <c>params</c> object; null when the request has none.</param>
    public static IReadOnlyList<KeyValuePair<string, JsonElement>> Conform(IReadOnlyList<ParamSpec> schema, JsonElement? given)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (given is { } parameters)
        {
            if (parameters.ValueKind != JsonValueKind.Object)
            {
                throw KeelException.InvalidParameter($"'params' must be a JSON object of parameter → value, not {JsonCells.Describe(parameters)}.");
            }

            foreach (var property in parameters.EnumerateObject())
            {
                values[property.Name] = property.Value;
            }
        }

        var known = schema.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        var unknown = values.Keys.Where(name => !known.Contains(name)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"Unknown param(s) {JsonBytes.Quoted(unknown)}; the model's signature accepts {JsonBytes.Quoted(schema.Select(p => p.Name))}.");
        }

        var conformed = new List<KeyValuePair<string, JsonElement>>(schema.Count);
        foreach (var spec in schema)
        {
            if (!values.TryGetValue(spec.Name, out var value))
            {
                conformed.Add(new(spec.Name, spec.Default));
                continue;
            }

            if (Check(spec, value) is { } problem)
            {
                problems.Add($"Param '{spec.Name}': expected {Expected(spec)}, got {problem}.");
                continue;
            }
            conformed.Add(new(spec.Name, value.Clone()));
        }

        return problems.Count == 0
            ? conformed
            : throw KeelException.InvalidParameter($"The request's params do not match the model's signature. {string.Join(" ", problems)}");
    }

    // Null when the value fits; otherwise how the value was described.
    private static string? Check(ParamSpec spec, JsonElement value)
    {
        if (spec.Shape is null)
        {
            return value.ValueKind == JsonValueKind.Array ? "a list" : Fits(spec.Type, value) ? null : JsonCells.Describe(value);
        }

        if (!IsList(spec.Shape))
        {
            return "a value, but Keel only knows params of shape null (a scalar) or [-1] (a list)";
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return JsonCells.Describe(value);
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array || !Fits(spec.Type, item))
            {
                return $"{JsonCells.Describe(item)} at index {index}";
            }
            index++;
        }
        return null;
    }

    private static bool Fits(string type, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        "long" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        // An integer is a valid float; a finite double too large for a float32 would become infinity.
        "float" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && float.IsFinite((float)d),
        "double" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var e) && double.IsFinite(e),
        "datetime" => value.ValueKind == JsonValueKind.String
            && DateTime.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
        _ => false,
    };

    private static bool IsList(IReadOnlyList<long> shape) => shape.Count == 1 && shape[0] == -1;

    private static string Expected(ParamSpec spec)
    {
        var type = spec.Type switch
        {
            "integer" => "integer (32-bit)",
            "long" => "long (64-bit integer)",
            "datetime" => "datetime (an ISO 8601 string)",
            "string" or "boolean" or "float" or "double" => spec.Type,
            _ => $"{spec.Type}, a type Keel cannot check",
        };
        return spec.Shape is null ? type : $"a list of {type} (shape [{string.Join(", ", spec.Shape)}])";
    }
}
