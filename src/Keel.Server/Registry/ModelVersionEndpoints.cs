using Keel.Contracts.Mlflow;
using Keel.Core.Registry;
using Keel.Server.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Keel.Server.Http.MlflowRequest;

namespace Keel.Server.Registry;

/// <summary>MLflow's model-versions API.</summary>
internal static class ModelVersionEndpoints
{
    public static RouteGroupBuilder MapModelVersionEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost(MlflowRoutes.ModelVersionsCreate, CreateAsync);
        group.MapGet(MlflowRoutes.ModelVersionsGet, GetAsync);
        group.MapPatch(MlflowRoutes.ModelVersionsUpdate, UpdateAsync);
        group.MapDelete(MlflowRoutes.ModelVersionsDelete, DeleteAsync);
        group.MapGet(MlflowRoutes.ModelVersionsSearch, SearchAsync);
        group.MapGet(MlflowRoutes.ModelVersionsGetDownloadUri, DownloadUriAsync);
        group.MapPost(MlflowRoutes.ModelVersionsTransitionStage, TransitionStageAsync);
        group.MapPost(MlflowRoutes.ModelVersionsSetTag, SetTagAsync);
        group.MapDelete(MlflowRoutes.ModelVersionsDeleteTag, DeleteTagAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.CreateModelVersionRequest);
        var version = await registry.CreateModelVersionAsync(
            request.Name, request.Source, request.RunId, request.RunLink, request.Description, request.Tags.ToTags("tags"), http.RequestAborted);
        return Ok(new ModelVersionResponse(version.ToDto()), MlflowJsonContext.Default.ModelVersionResponse);
    }

    private static async Task<IResult> GetAsync(HttpContext http, RegistryService registry)
    {
        var version = await registry.GetModelVersionAsync(Query(http, "name"), Query(http, "version"), http.RequestAborted);
        return Ok(new ModelVersionResponse(version.ToDto()), MlflowJsonContext.Default.ModelVersionResponse);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.UpdateModelVersionRequest);
        var version = await registry.UpdateModelVersionAsync(request.Name, request.Version, request.Description, http.RequestAborted);
        return Ok(new ModelVersionResponse(version.ToDto()), MlflowJsonContext.Default.ModelVersionResponse);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadOptionalBodyAsync(http, MlflowJsonContext.Default.ModelVersionKeyRequest);
        await registry.DeleteModelVersionAsync(request.Name ?? Query(http, "name"), request.Version ?? Query(http, "version"), KeelApi.GovernanceEndpoints.User(http), http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> SearchAsync(HttpContext http, RegistryService registry)
    {
        var page = await registry.SearchModelVersionsAsync(
            QueryInt64(http, "max_results"), Query(http, "page_token"), Query(http, "filter"), QueryAll(http, "order_by"), http.RequestAborted);
        return Ok(new SearchModelVersionsResponse
        {
            ModelVersions = page.Items.Select(v => v.ToDto()).ToArray(),
            NextPageToken = page.NextPageToken,
        }, MlflowJsonContext.Default.SearchModelVersionsResponse);
    }

    private static async Task<IResult> DownloadUriAsync(HttpContext http, RegistryService registry)
    {
        var uri = await registry.GetDownloadUriAsync(Query(http, "name"), Query(http, "version"), http.RequestAborted);
        return Ok(new DownloadUriResponse(uri), MlflowJsonContext.Default.DownloadUriResponse);
    }

    private static async Task<IResult> TransitionStageAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.TransitionStageRequest);
        var version = await registry.TransitionStageAsync(request.Name, request.Version, request.Stage, request.ArchiveExistingVersions, http.RequestAborted);
        return Ok(new ModelVersionResponse(version.ToDto()), MlflowJsonContext.Default.ModelVersionResponse);
    }

    private static async Task<IResult> SetTagAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.RegistryTagRequest);
        await registry.SetModelVersionTagAsync(request.Name, request.Version, request.Key, request.Value, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> DeleteTagAsync(HttpContext http, RegistryService registry)
    {
        var request = await ReadOptionalBodyAsync(http, MlflowJsonContext.Default.RegistryTagRequest);
        await registry.DeleteModelVersionTagAsync(
            request.Name ?? Query(http, "name"), request.Version ?? Query(http, "version"), request.Key ?? Query(http, "key"), http.RequestAborted);
        return OkEmpty();
    }
}
