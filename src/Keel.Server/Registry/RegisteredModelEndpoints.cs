using Keel.Contracts.Mlflow;
using Keel.Core.Registry;
using Keel.Core.Registry.Governance;
using Keel.Server.KeelApi;
using Keel.Server.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Keel.Server.Http.MlflowRequest;

namespace Keel.Server.Registry;

/// <summary>MLflow's registered-models API, aliases included.</summary>
internal static class RegisteredModelEndpoints
{
    public static RouteGroupBuilder MapRegisteredModelEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost(MlflowRoutes.RegisteredModelsCreate, CreateAsync);
        group.MapGet(MlflowRoutes.RegisteredModelsGet, GetAsync);
        group.MapPost(MlflowRoutes.RegisteredModelsRename, RenameAsync);
        group.MapPatch(MlflowRoutes.RegisteredModelsUpdate, UpdateAsync);
        group.MapDelete(MlflowRoutes.RegisteredModelsDelete, DeleteAsync);
        group.MapGet(MlflowRoutes.RegisteredModelsSearch, SearchAsync);
        group.MapPost(MlflowRoutes.RegisteredModelsGetLatestVersions, LatestVersionsPostAsync);
        group.MapGet(MlflowRoutes.RegisteredModelsGetLatestVersions, LatestVersionsGetAsync);
        group.MapPost(MlflowRoutes.RegisteredModelsSetTag, SetTagAsync);
        group.MapDelete(MlflowRoutes.RegisteredModelsDeleteTag, DeleteTagAsync);
        group.MapPost(MlflowRoutes.RegisteredModelsAlias, SetAliasAsync);
        group.MapDelete(MlflowRoutes.RegisteredModelsAlias, DeleteAliasAsync);
        group.MapGet(MlflowRoutes.RegisteredModelsAlias, GetByAliasAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.CreateRegisteredModelRequest);
        var model = await registry.CreateRegisteredModelAsync(request.Name, request.Description, request.Tags.ToTags("tags"), http.RequestAborted);
        return Ok(new RegisteredModelResponse(model.ToDto()), MlflowJsonContext.Default.RegisteredModelResponse);
    }

    private static async Task<IResult> GetAsync(HttpContext http, RegistryService registry)
    {
        var model = await registry.GetRegisteredModelAsync(Query(http, "name"), http.RequestAborted);
        return Ok(new RegisteredModelResponse(model.ToDto()), MlflowJsonContext.Default.RegisteredModelResponse);
    }

    private static async Task<IResult> RenameAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.RenameRegisteredModelRequest);
        var model = await registry.RenameRegisteredModelAsync(request.Name, request.NewName, http.RequestAborted);
        return Ok(new RegisteredModelResponse(model.ToDto()), MlflowJsonContext.Default.RegisteredModelResponse);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.UpdateRegisteredModelRequest);
        var model = await registry.UpdateRegisteredModelAsync(request.Name, request.Description, http.RequestAborted);
        return Ok(new RegisteredModelResponse(model.ToDto()), MlflowJsonContext.Default.RegisteredModelResponse);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadOptionalBodyAsync(http, MlflowJsonContext.Default.RegisteredModelNameRequest);
        await registry.DeleteRegisteredModelAsync(request.Name ?? Query(http, "name"), http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> SearchAsync(HttpContext http, RegistryService registry)
    {
        var page = await registry.SearchRegisteredModelsAsync(
            QueryInt64(http, "max_results"), Query(http, "page_token"), Query(http, "filter"), QueryAll(http, "order_by"), http.RequestAborted);
        return Ok(new SearchRegisteredModelsResponse
        {
            RegisteredModels = page.Items.Select(m => m.ToDto()).ToArray(),
            NextPageToken = page.NextPageToken,
        }, MlflowJsonContext.Default.SearchRegisteredModelsResponse);
    }

    private static async Task<IResult> LatestVersionsPostAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.GetLatestVersionsRequest);
        return await LatestVersionsAsync(http, registry, request.Name, request.Stages);
    }

    private static Task<IResult> LatestVersionsGetAsync(HttpContext http, RegistryService registry) =>
        LatestVersionsAsync(http, registry, Query(http, "name"), QueryAll(http, "stages"));

    private static async Task<IResult> LatestVersionsAsync(HttpContext http, RegistryService registry, string? name, IReadOnlyList<string>? stages)
    {
        var versions = await registry.GetLatestVersionsAsync(name, stages, http.RequestAborted);
        return Ok(new ModelVersionsResponse { ModelVersions = versions.Select(v => v.ToDto()).ToArray() }, MlflowJsonContext.Default.ModelVersionsResponse);
    }

    private static async Task<IResult> SetTagAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.RegistryTagRequest);
        await registry.SetRegisteredModelTagAsync(request.Name, request.Key, request.Value, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> DeleteTagAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadOptionalBodyAsync(http, MlflowJsonContext.Default.RegistryTagRequest);
        await registry.DeleteRegisteredModelTagAsync(request.Name ?? Query(http, "name"), request.Key ?? Query(http, "key"), http.RequestAborted);
        return OkEmpty();
    }

    // Alias moves go through PromotionService so the alias history records them, with the X-Keel-User header as the user.
    private static async Task<IResult> SetAliasAsync(HttpContext http, PromotionService promotion)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.SetAliasRequest);
        await promotion.SetAliasAsync(request.Name, request.Alias, request.Version, GovernanceEndpoints.User(http), http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> DeleteAliasAsync(HttpContext http, PromotionService promotion)
    {
        var request = await ReadOptionalBodyAsync(http, MlflowJsonContext.Default.SetAliasRequest);
        await promotion.DeleteAliasAsync(request.Name ?? Query(http, "name"), request.Alias ?? Query(http, "alias"), GovernanceEndpoints.User(http), http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> GetByAliasAsync(HttpContext http, RegistryService registry)
    {
        var version = await registry.GetModelVersionByAliasAsync(Query(http, "name"), Query(http, "alias"), http.RequestAborted);
        return Ok(new ModelVersionResponse(version.ToDto()), MlflowJsonContext.Default.ModelVersionResponse);
    }
}
