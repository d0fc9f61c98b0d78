using Keel.Core.Deployments;
using Keel.Core.Registry;

namespace Keel.Web.Pages.Registry;

/// <summary>A route (or shadow) of a deployment that serves a given model version right now.</summary>
/// <param name="Deployment">The deployment's name.</param>
/// <param name="Route">The route's name.</param>
/// <param name="ModelUri">The URI as written in the deployment (an alias or stage follows the registry).</param>
/// <param name="Share">The route's share of traffic (0–1); 0 for a shadow, which scores copies.</param>
/// <param name="IsShadow">True for a shadow route.</param>
public sealed record DeploymentRouteRef(string Deployment, string Route, string ModelUri, double Share, bool IsShadow)
{
    public string Describe() => IsShadow
        ? $"shadow {Route}"
        : $"{Route} · {Components.Format.Number(Math.Round(Share * 100, 1))}%";
}

/// <summary>Finds the deployments whose routes resolve to a model version.</summary>
public static class ModelDeployments
{
    public static IReadOnlyList<DeploymentRouteRef> RoutesTo(ModelVersion version, RegisteredModel model, IEnumerable<Deployment> deployments)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(deployments);
        var found = new List<DeploymentRouteRef>();
        foreach (var deployment in deployments)
        {
            var total = deployment.Spec.Routes.Sum(r => r.Weight);
            foreach (var route in deployment.Spec.Routes)
            {
                if (Serves(route.ModelUri, version, model))
                {
                    found.Add(new DeploymentRouteRef(deployment.Name, route.Name, route.ModelUri, total > 0 ? route.Weight / total : 0, false));
                }
            }
            foreach (var shadow in deployment.Spec.Shadows)
            {
                if (Serves(shadow.ModelUri, version, model))
                {
                    found.Add(new DeploymentRouteRef(deployment.Name, shadow.Name, shadow.ModelUri, 0, true));
                }
            }
        }
        return found;
    }

    private static bool Serves(string uri, ModelVersion version, RegisteredModel model) =>
        ModelUriTargets.TryParse(uri) is { } parsed && ModelUriTargets.Resolve(parsed, model) == version.Version;
}
