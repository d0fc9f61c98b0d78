using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Models.Packages;

namespace Keel.Core.Deployments;

/// <summary>
/// Reads a deployment file, as given to <c>keel deploy create --file</c> and <c>keel serve --deployment</c>:
/// <code>
/// name: churn
/// routes:
///   - {name: champion, model_uri: "models:/churn@champion", weight: 90}
///   - {name: challenger, model_uri: "models:/churn@challenger", weight: 10}
/// shadows:
///   - {name: candidate, model_uri: "models:/churn/7"}
/// sticky_header: X-User
/// </code>
/// <c>shadows</c> and <c>sticky_header</c> are optional; unknown keys are refused, so a typo is not silently ignored.
/// </summary>
public static class DeploymentYaml
{
    private static readonly string[] TopKeys = ["name", "routes", "shadows", "sticky_header"];
    private static readonly string[] RouteKeys = ["name", "model_uri", "weight"];
    private static readonly string[] ShadowKeys = ["name", "model_uri"];

    /// <summary>Parses and validates (<see cref="DeploymentRules.Validate"/>) a deployment file; throws INVALID_PARAMETER_VALUE naming the key.</summary>
    public static DeploymentSpec Parse(string yaml) => Parse(yaml, null);

    /// <summary>
    /// As <see cref="Parse(string)"/>; <paramref name="name"/>, when given, names a deployment whose file has no
    /// <c>name</c>, and must equal it when the file has one.
    /// </summary>
    public static DeploymentSpec Parse(string yaml, string? name)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        const string what = "The deployment file";
        var root = YamlTree.Load(yaml, what) as IReadOnlyDictionary<string, object?>
            ?? throw KeelException.InvalidParameter($"{what} must be a YAML mapping with name, routes, shadows and sticky_header.");
        Keys(root, TopKeys, "");
        var fileName = Text(root, "name", "name");
        if (name is not null && fileName is not null && !string.Equals(name, fileName, StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"{what} names deployment '{fileName}', not '{name}'.");
        }
        var routes = List(root, "routes").Select((item, i) =>
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"routes[{i}]");
            var map = Map(item, field);
            Keys(map, RouteKeys, field + ".");
            return new TrafficRoute(
                Text(map, "name", field + ".name") ?? "", Text(map, "model_uri", field + ".model_uri") ?? "", Weight(map, field + ".weight"));
        }).ToArray();
        var shadows = List(root, "shadows").Select((item, i) =>
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"shadows[{i}]");
            var map = Map(item, field);
            Keys(map, ShadowKeys, field + ".");
            return new ShadowRoute(Text(map, "name", field + ".name") ?? "", Text(map, "model_uri", field + ".model_uri") ?? "");
        }).ToArray();
        var spec = new DeploymentSpec(fileName ?? name ?? "", routes, shadows, Text(root, "sticky_header", "sticky_header"));
        return DeploymentRules.Validate(spec);
    }

    private static void Keys(IReadOnlyDictionary<string, object?> map, string[] allowed, string prefix)
    {
        var unknown = map.Keys.FirstOrDefault(k => !allowed.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw KeelException.InvalidParameter(
                $"Unknown key '{prefix}{unknown}' in the deployment file; expected {string.Join(", ", allowed.Select(k => prefix + k))}.");
        }
    }

    private static IReadOnlyDictionary<string, object?> Map(object? value, string field) =>
        value as IReadOnlyDictionary<string, object?>
            ?? throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': expected a mapping.");

    private static IReadOnlyList<object?> List(IReadOnlyDictionary<string, object?> map, string key) =>
        map.GetValueOrDefault(key) switch
        {
            null => [],
            IReadOnlyList<object?> list => list,
            _ => throw KeelException.InvalidParameter($"Invalid value for parameter '{key}': expected a list."),
        };

    // A number or boolean written where text belongs (name: 2024) is read as its text.
    private static string? Text(IReadOnlyDictionary<string, object?> map, string key, string field) =>
        map.GetValueOrDefault(key) switch
        {
            null => null,
            string text => text,
            long or double or bool => Convert.ToString(map[key], CultureInfo.InvariantCulture),
            _ => throw KeelException.InvalidParameter($"Invalid value for parameter '{field}': expected text."),
        };

    private static double Weight(IReadOnlyDictionary<string, object?> map, string field) =>
        map.GetValueOrDefault("weight") switch
        {
            null => throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'."),
            long number => number,
            double number => number,
            var other => throw KeelException.InvalidParameter($"Invalid value '{other}' for parameter '{field}': expected a number."),
        };
}
