using Keel.Contracts.KeelApi;
using Keel.Core.Datasets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Keel.Server.KeelApi.DatasetRequestBody;

namespace Keel.Server.KeelApi;

/// <summary>
/// <c>/api/keel/v1/datasets</c>: the dataset registry (named datasets, numbered versions naming a data manifest, tags)
/// and <c>/api/keel/v1/dataset-versions?manifest_hash=</c>. Errors go through the MLflow error middleware: 400 for a
/// broken rule, 404 for an unknown dataset, version or run.
/// </summary>
public static class DatasetEndpoints
{
    private const string ByName = KeelRoutes.Datasets + "/{name}";
    private const string Versions = ByName + "/versions";
    private const string ByVersion = Versions + "/{version}";

    public static IServiceCollection AddKeelDatasets(this IServiceCollection services) => services.AddSingleton<DatasetService>();

    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPost(KeelRoutes.Datasets, CreateAsync);
        group.MapGet(KeelRoutes.Datasets, ListAsync);
        group.MapGet(ByName, GetAsync);
        group.MapPatch(ByName, UpdateAsync);
        group.MapDelete(ByName, DeleteAsync);
        group.MapPost(ByName + "/tags", SetTagAsync);
        group.MapDelete(ByName + "/tags", DeleteTagAsync);
        group.MapPost(Versions, CreateVersionAsync);
        group.MapGet(Versions, ListVersionsAsync);
        group.MapGet(ByVersion, GetVersionAsync);
        group.MapPost(ByVersion + "/tags", SetVersionTagAsync);
        group.MapDelete(ByVersion + "/tags", DeleteVersionTagAsync);
        group.MapGet(KeelRoutes.DatasetVersionsByManifest, FindByManifestAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, DatasetService datasets)
    {
        var request = await ReadAsync(http, KeelJsonContext.Default.CreateDatasetRequest, new CreateDatasetRequest());
        var created = await datasets.CreateDatasetAsync(request.Name, request.Description, DatasetMapper.ToTags(request.Tags), http.RequestAborted);
        return Results.Json(created.ToDto(), KeelJsonContext.Default.RegisteredDatasetDto);
    }

    private static async Task<IResult> ListAsync(HttpContext http, DatasetService datasets)
    {
        var page = await datasets.SearchDatasetsAsync(Query(http, "name_prefix"), QueryNumber(http, "max_results"), Query(http, "page_token"),
            http.RequestAborted);
        return Results.Json(new ListDatasetsResponse { Datasets = page.Items.Select(d => d.ToDto()).ToArray(), NextPageToken = page.NextPageToken },
            KeelJsonContext.Default.ListDatasetsResponse);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext http, DatasetService datasets) =>
        Results.Json((await datasets.GetDatasetAsync(name, http.RequestAborted)).ToDto(), KeelJsonContext.Default.RegisteredDatasetDto);

    private static async Task<IResult> UpdateAsync(string name, HttpContext http, DatasetService datasets)
    {
        var request = await ReadAsync(http, KeelJsonContext.Default.UpdateDatasetRequest, new UpdateDatasetRequest());
        var updated = await datasets.UpdateDatasetAsync(name, request.Description, http.RequestAborted);
        return Results.Json(updated.ToDto(), KeelJsonContext.Default.RegisteredDatasetDto);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext http, DatasetService datasets)
    {
        await datasets.DeleteDatasetAsync(name, http.RequestAborted);
        return Empty();
    }

    private static async Task<IResult> SetTagAsync(string name, HttpContext http, DatasetService datasets)
    {
        var request = await ReadAsync(http, KeelJsonContext.Default.SetDatasetTagRequest, new SetDatasetTagRequest());
        await datasets.SetDatasetTagAsync(name, request.Key, request.Value, http.RequestAborted);
        return Empty();
    }

    private static async Task<IResult> DeleteTagAsync(string name, HttpContext http, DatasetService datasets)
    {
        await datasets.DeleteDatasetTagAsync(name, Query(http, "key"), http.RequestAborted);
        return Empty();
    }

    private static async Task<IResult> CreateVersionAsync(string name, HttpContext http, DatasetService datasets)
    {
        var request = await ReadAsync(http, KeelJsonContext.Default.CreateDatasetVersionRequest, new CreateDatasetVersionRequest());
        var created = await datasets.CreateVersionAsync(DatasetMapper.ToNewVersion(name, request), http.RequestAborted);
        return Results.Json(created.ToDto(), KeelJsonContext.Default.DatasetVersionDto);
    }

    private static async Task<IResult> ListVersionsAsync(string name, HttpContext http, DatasetService datasets)
    {
        var page = await datasets.ListVersionsAsync(name, QueryNumber(http, "max_results"), Query(http, "page_token"), http.RequestAborted);
        return Results.Json(new ListDatasetVersionsResponse { DatasetVersions = page.Items.Select(v => v.ToDto()).ToArray(), NextPageToken = page.NextPageToken },
            KeelJsonContext.Default.ListDatasetVersionsResponse);
    }

    private static async Task<IResult> GetVersionAsync(string name, string version, HttpContext http, DatasetService datasets)
    {
        var found = await datasets.GetVersionAsync(name, DatasetRules.Version(version), http.RequestAborted);
        return Results.Json(found.ToDto(), KeelJsonContext.Default.DatasetVersionDto);
    }

    private static async Task<IResult> SetVersionTagAsync(string name, string version, HttpContext http, DatasetService datasets)
    {
        var number = DatasetRules.Version(version);
        var request = await ReadAsync(http, KeelJsonContext.Default.SetDatasetTagRequest, new SetDatasetTagRequest());
        await datasets.SetVersionTagAsync(name, number, request.Key, request.Value, http.RequestAborted);
        return Empty();
    }

    private static async Task<IResult> DeleteVersionTagAsync(string name, string version, HttpContext http, DatasetService datasets)
    {
        await datasets.DeleteVersionTagAsync(name, DatasetRules.Version(version), Query(http, "key"), http.RequestAborted);
        return Empty();
    }

    private static async Task<IResult> FindByManifestAsync(HttpContext http, DatasetService datasets)
    {
        var found = await datasets.FindVersionsByManifestAsync(Query(http, "manifest_hash"), http.RequestAborted);
        return Results.Json(new ListDatasetVersionsResponse { DatasetVersions = found.Select(v => v.ToDto()).ToArray() },
            KeelJsonContext.Default.ListDatasetVersionsResponse);
    }

    private static IResult Empty() => Results.Json(new DatasetEmptyResponse(), KeelJsonContext.Default.DatasetEmptyResponse);
}
