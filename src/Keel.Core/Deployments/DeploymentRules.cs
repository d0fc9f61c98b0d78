using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// What makes a <see cref="DeploymentSpec"/> valid. Every broken rule throws <see cref="KeelException"/> with
/// <see cref="ErrorCode.InvalidParameterValue"/>, naming the field (<c>routes[1].weight</c>) and the rule.
/// </summary>
public static class DeploymentRules
{
    /// <summary>The longest deployment name, as for a registered model.</summary>
    public const int MaxNameLength = RegistryLimits.MaxModelNameLength;

    /// <summary>The longest route or shadow name.</summary>
    public const int MaxRouteNameLength = 64;

    /// <summary>The most routes plus shadows one deployment may hold.</summary>
    public const int MaxRoutes = 32;

    /// <summary>Checks every rule; returns <paramref name="spec"/> so callers can chain.</summary>
    public static DeploymentSpec Validate(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Name(spec.Name, "name");
        var routes = spec.Routes ?? [];
        var shadows = spec.Shadows ?? [];
        if (routes.Count == 0)
        {
            throw KeelException.InvalidParameter("Invalid value for parameter 'routes': a deployment needs at least one route.");
        }
        if (routes.Count + shadows.Count > MaxRoutes)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value for parameter 'routes': a deployment holds at most {MaxRoutes} routes and shadows (got {routes.Count + shadows.Count}).");
        }

        // Route and shadow names share one namespace: both are reported by name in headers and shadow records.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < routes.Count; i++)
        {
            var field = Field("routes", i);
            var route = routes[i] ?? throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
            RouteName(route.Name, field + ".name", seen);
            Uri(route.ModelUri, field + ".model_uri");
            if (!double.IsFinite(route.Weight) || route.Weight < 0)
            {
                throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                    $"Invalid value '{route.Weight}' for parameter '{field}.weight': weights are finite numbers >= 0."));
            }
        }
        if (!(routes.Sum(r => r.Weight) > 0))
        {
            throw KeelException.InvalidParameter("Invalid value for parameter 'routes': the weights must have a positive sum, so some route takes traffic.");
        }
        for (var i = 0; i < shadows.Count; i++)
        {
            var field = Field("shadows", i);
            var shadow = shadows[i] ?? throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
            RouteName(shadow.Name, field + ".name", seen);
            Uri(shadow.ModelUri, field + ".model_uri");
        }
        if (spec.StickyHeader is not null && !IsHeaderToken(spec.StickyHeader))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{Printable(spec.StickyHeader)}' for parameter 'sticky_header': expected an HTTP header name (letters, digits and !#$%&'*+-.^_`|~).");
        }
        return spec;
    }

    /// <summary>The deployment name rule: a registered model's (not blank, no '/', '\' or control characters, at most 256 characters).</summary>
    public static string Name(string? name, string field = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        if (name.Length > MaxNameLength)
        {
            throw KeelException.InvalidParameter($"'{field}' exceeds the maximum length of {MaxNameLength} characters (got {name.Length}).");
        }
        // Names appear in /deployments/<name> URLs, so path separators and control characters are refused.
        if (name.Trim().Length == 0 || name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{Printable(name)}' for parameter '{field}': deployment names must not be blank or contain '/', '\\' or control characters.");
        }
        return name;
    }

    // RFC 9110 token: what an HTTP header name may be.
    private static bool IsHeaderToken(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    private static void RouteName(string? name, string field, HashSet<string> seen)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        if (name.Length > MaxRouteNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{Printable(name)}' for parameter '{field}': route names are 1 to {MaxRouteNameLength} letters, digits, '_' or '-'.");
        }
        if (!seen.Add(name))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{name}' for parameter '{field}': route and shadow names must be unique within a deployment.");
        }
    }

    private static void Uri(string? uri, string field)
    {
        try
        {
            ModelUri.Parse(uri);
        }
        catch (KeelException e) when (e.Code == ErrorCode.InvalidParameterValue)
        {
            // ModelUri names its parameter 'uri'; here the client needs the route's field.
            throw KeelException.InvalidParameter(e.Message.Replace("parameter 'uri'", $"parameter '{field}'", StringComparison.Ordinal));
        }
    }

    private static string Field(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");

    private static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString()));
}
