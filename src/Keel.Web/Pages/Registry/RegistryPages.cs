using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Lineage;
using Keel.Core.Registry;
using Keel.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keel.Web.Pages.Registry;

/// <summary>The registry's pages: <c>/models?q=</c>, <c>/models/{name}</c>, <c>/models/{name}/versions/{version}</c>, and their edit forms.</summary>
internal static class RegistryPages
{
    public const int PageSize = 100;

    public static void MapRegistryPages(this IEndpointRouteBuilder pages)
    {
        pages.MapGet("/models", ListAsync);
        pages.MapGet("/models/{name}", ModelAsync);
        pages.MapGet("/models/{name}/versions/{version}", VersionAsync);
        pages.MapRegistryActions();
    }

    private static async Task<IResult> ListAsync(string? q, string? page_token, RegistryService registry, CancellationToken ct)
    {
        var search = (q ?? "").Trim();
        var filter = search.Length == 0 ? null : $"name ILIKE {FilterLiteral.Quote("%" + search + "%")}";
        var page = await registry.SearchRegisteredModelsAsync(PageSize, page_token, filter, ["name ASC"], ct);
        return UiResults.Page<ModelsPage, ModelsPageModel>(new ModelsPageModel(search, page.Items, page.NextPageToken));
    }

    private static async Task<IResult> ModelAsync(string name, string? page_token, HttpContext context, RegistryService registry, CancellationToken ct)
    {
        var model = await registry.GetRegisteredModelAsync(name, ct);
        var versions = await registry.SearchModelVersionsAsync(
            PageSize, page_token, $"name = {FilterLiteral.Quote(model.Name)}", ["version_number DESC"], ct);
        var next = versions.NextPageToken is null
            ? null
            : QueryStrings.Build(RegistryUrls.Model(model.Name), ("page_token", versions.NextPageToken));
        return UiResults.Page<ModelPage, ModelPageModel>(new ModelPageModel(model, versions.Items, next, UiForms.Token(context)));
    }

    private static async Task<IResult> VersionAsync(
        string name, string version, HttpContext context, RegistryService registry, LineageService lineageService,
        DeploymentService deploymentService, ArtifactService artifacts, CancellationToken ct)
    {
        var lineage = await lineageService.GetModelVersionLineageAsync(name, version, ct);
        var model = await registry.GetRegisteredModelAsync(lineage.ModelVersion.Name, ct);
        var routes = ModelDeployments.RoutesTo(lineage.ModelVersion, model, await deploymentService.ListAsync(ct));
        var package = await ModelPackageView.ReadAsync(artifacts, lineage.ModelVersion.Source, ct);
        var graph = LineageGraphBuilder.Build(lineage, routes);
        return UiResults.Page<ModelVersionPage, ModelVersionPageModel>(
            new ModelVersionPageModel(model, lineage, routes, graph, package, UiForms.Token(context)));
    }
}
