using System.Globalization;
using Keel.Core.Deployments;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Registry;
using Keel.Web.Pages.Registry;

namespace Keel.Web.Pages.Deployments;

/// <summary>
/// One route or shadow as the page shows it: the URI as written, the version it serves now (an alias or stage
/// follows the registry) and the page to link to.
/// </summary>
/// <param name="Name">The route's name.</param>
/// <param name="ModelUri">The model URI as written in the deployment.</param>
/// <param name="Weight">The weight as written (0 for a shadow).</param>
/// <param name="Share">The route's share of traffic, 0–1 (0 for a shadow).</param>
/// <param name="ResolvedVersion">The model version it serves now, when the URI names a registered model that has it.</param>
/// <param name="Href">The model or version page, or null for URIs outside the registry.</param>
public sealed record RouteView(string Name, string ModelUri, double Weight, double Share, long? ResolvedVersion, string? Href)
{
    public string Percent => (Share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>The bar's width in the SVG's 0–100 viewBox.</summary>
    public string BarWidth => (Share * 100).ToString("0.##", CultureInfo.InvariantCulture);

    public static IReadOnlyList<RouteView> Routes(DeploymentSpec spec, IReadOnlyDictionary<string, RegisteredModel> models)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var total = spec.Routes.Sum(r => r.Weight);
        return spec.Routes.Select(r => Of(r.Name, r.ModelUri, r.Weight, total > 0 ? r.Weight / total : 0, models)).ToArray();
    }

    public static IReadOnlyList<RouteView> Shadows(DeploymentSpec spec, IReadOnlyDictionary<string, RegisteredModel> models)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Shadows.Select(s => Of(s.Name, s.ModelUri, 0, 0, models)).ToArray();
    }

    private static RouteView Of(string name, string uri, double weight, double share, IReadOnlyDictionary<string, RegisteredModel> models)
    {
        var parsed = ModelUriTargets.TryParse(uri);
        if (parsed?.ModelName is not { } model || !models.TryGetValue(model, out var registered))
        {
            return new RouteView(name, uri, weight, share, null, null);
        }
        var version = ModelUriTargets.Resolve(parsed, registered);
        return new RouteView(name, uri, weight, share, version, ModelUriTargets.PageUrl(parsed, version));
    }
}

/// <summary>The deployments list, with each deployment's monitor count when the server keeps monitors.</summary>
public sealed record DeploymentsPageModel(IReadOnlyList<Deployment> Deployments, IReadOnlyDictionary<string, int>? MonitorCounts)
{
    public static string Summary(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var total = deployment.Spec.Routes.Sum(r => r.Weight);
        return string.Join(", ", deployment.Spec.Routes.Select(r =>
            $"{r.Name} {(total > 0 ? r.Weight / total * 100 : 0).ToString("0.#", CultureInfo.InvariantCulture)}%"));
    }
}

/// <summary>A deployment page: its current routes and shadows, revision history and monitors (null when the server keeps none).</summary>
public sealed record DeploymentPageModel(
    Deployment Deployment,
    IReadOnlyList<RouteView> Routes,
    IReadOnlyList<RouteView> Shadows,
    IReadOnlyList<Deployment> History,
    IReadOnlyList<StoredMonitor>? Monitors);
