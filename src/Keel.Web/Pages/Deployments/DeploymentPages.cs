using Keel.Core.Deployments;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Registry;
using Keel.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Web.Pages.Deployments;

/// <summary>The deployment pages: <c>/deployments</c> and <c>/deployments/{name}</c> (read-only; <c>keel deploy</c> changes them).</summary>
internal static class DeploymentPages
{
    public static void MapDeploymentPages(this IEndpointRouteBuilder pages)
    {
        pages.MapGet("/deployments", ListAsync);
        pages.MapGet("/deployments/{name}", DeploymentAsync);
    }

    private static async Task<IResult> ListAsync(DeploymentService deployments, IServiceProvider services, CancellationToken ct)
    {
        var all = await deployments.ListAsync(ct);
        Dictionary<string, int>? counts = null;
        if (services.GetService<IMonitorStore>() is { } monitors)
        {
            counts = (await monitors.ListMonitorsAsync(null, ct))
                .GroupBy(m => m.Spec.Deployment, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
        return UiResults.Page<DeploymentsPage, DeploymentsPageModel>(new DeploymentsPageModel(all, counts));
    }

    private static async Task<IResult> DeploymentAsync(
        string name, DeploymentService deployments, IRegistryStore registry, IServiceProvider services, CancellationToken ct)
    {
        var deployment = await deployments.GetAsync(name, ct);
        var history = await deployments.GetHistoryAsync(deployment.Name, ct);
        var models = await ModelsAsync(deployment.Spec, registry, ct);
        var monitors = services.GetService<IMonitorStore>() is { } store ? await store.ListMonitorsAsync(deployment.Name, ct) : null;
        return UiResults.Page<DeploymentPage, DeploymentPageModel>(new DeploymentPageModel(
            deployment, RouteView.Routes(deployment.Spec, models), RouteView.Shadows(deployment.Spec, models), history, monitors));
    }

    // One read per model named by the routes, so aliases and stages resolve to the version serving now.
    private static async Task<IReadOnlyDictionary<string, RegisteredModel>> ModelsAsync(DeploymentSpec spec, IRegistryStore registry, CancellationToken ct)
    {
        var names = spec.Routes.Select(r => r.ModelUri).Concat(spec.Shadows.Select(s => s.ModelUri))
            .Select(u => Registry.ModelUriTargets.TryParse(u)?.ModelName)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        var models = new Dictionary<string, RegisteredModel>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (await registry.GetRegisteredModelAsync(name, ct) is { } model)
            {
                models[name] = model;
            }
        }
        return models;
    }
}
