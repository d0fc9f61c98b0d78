using System.Globalization;
using Keel.Contracts.KeelApi;
using Keel.Core.Common;
using Keel.Core.Deployments;

namespace Keel.Server.KeelApi;

/// <summary>Deployments between Core and the wire. Only the wire's own gaps (a missing field) are checked here; the rules are Core's.</summary>
internal static class DeploymentMapper
{
    public static DeploymentSpec ToSpec(string? name, DeploymentSpecDto? spec)
    {
        if (spec is null)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'spec'.");
        }
        var routes = spec.Routes.Select((r, i) => r is null
            ? throw Missing("routes", i, "")
            : new TrafficRoute(r.Name ?? "", r.ModelUri ?? "", r.Weight ?? throw Missing("routes", i, ".weight"))).ToArray();
        var shadows = spec.Shadows.Select((s, i) => s is null
            ? throw Missing("shadows", i, "")
            : new ShadowRoute(s.Name ?? "", s.ModelUri ?? "")).ToArray();
        return new DeploymentSpec(name ?? "", routes, shadows, spec.StickyHeader);
    }

    public static DeploymentDto ToDto(this Deployment deployment) => new()
    {
        Name = deployment.Name,
        Revision = deployment.Revision,
        CreatedAt = deployment.CreationTimestamp,
        UpdatedAt = deployment.LastUpdatedTimestamp,
        Spec = new DeploymentSpecDto
        {
            Routes = deployment.Spec.Routes.Select(r => new DeploymentRouteDto { Name = r.Name, ModelUri = r.ModelUri, Weight = r.Weight }).ToArray(),
            Shadows = deployment.Spec.Shadows.Select(s => new DeploymentShadowDto { Name = s.Name, ModelUri = s.ModelUri }).ToArray(),
            StickyHeader = deployment.Spec.StickyHeader,
        },
    };

    private static KeelException Missing(string list, int index, string suffix) =>
        KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture, $"Missing value for required parameter '{list}[{index}]{suffix}'."));
}
