using System.Globalization;
using Keel.Contracts.KeelApi;
using Keel.Core.Lineage;
using Keel.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.KeelApi;

/// <summary>Keel's own API under <c>/api/keel/v1</c>: model URI resolution, model lineage, deployments, datasets and data objects.</summary>
public static class KeelApiEndpoints
{
    public static IServiceCollection AddKeelApi(this IServiceCollection services) =>
        services.AddSingleton<ModelUriResolver>().AddSingleton<LineageService>().AddKeelDeployments().AddKeelDatasets().AddKeelGovernance();

    public static IEndpointRouteBuilder MapKeelApiEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(KeelRoutes.ApiPrefix);
        group.MapGet(KeelRoutes.ModelUrisResolve, ResolveAsync);
        group.MapGet(KeelRoutes.ModelVersionLineage + "/{name}/{version}", LineageAsync);
        group.MapDeploymentEndpoints();
        group.MapDatasetEndpoints();
        group.MapDataObjectEndpoints();
        app.MapMonitorEndpoints();
        app.MapMonitorReportEndpoints();
        group.MapPredictionLogEndpoints();
        group.MapPipelineEndpoints();
        group.MapGovernanceEndpoints();
        return app;
    }

    private static async Task<IResult> ResolveAsync(HttpContext http, ModelUriResolver resolver)
    {
        var uri = http.Request.Query.TryGetValue("uri", out var values) && values.Count > 0 ? values[^1] : null;
        var resolved = await resolver.ResolveAsync(uri, http.RequestAborted);
        return Results.Json(new ResolvedModelUriResponse
        {
            ArtifactUri = resolved.ArtifactUri,
            ModelName = resolved.ModelName,
            Version = resolved.Version?.ToString(CultureInfo.InvariantCulture),
            RunId = resolved.RunId,
        }, KeelJsonContext.Default.ResolvedModelUriResponse);
    }

    private static async Task<IResult> LineageAsync(string name, string version, LineageService lineage, HttpContext http)
    {
        var graph = await lineage.GetModelVersionLineageAsync(name, version, http.RequestAborted);
        return Results.Json(graph.ToResponse(), KeelJsonContext.Default.ModelVersionLineageResponse);
    }
}
