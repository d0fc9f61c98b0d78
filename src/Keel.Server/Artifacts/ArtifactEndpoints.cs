using Keel.Contracts.Mlflow;
using Keel.Core.Artifacts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Keel.Server.Http.MlflowRequest;

namespace Keel.Server.Artifacts;

/// <summary>
/// MLflow's artifact proxy (<c>/api/2.0/mlflow-artifacts/artifacts/…</c> and <c>mpu/…</c>, also under
/// <c>/ajax-api</c>), the tracking API's <c>artifacts/list</c>, and Keel's <c>/api/keel/v1/artifacts/presign</c>.
/// </summary>
public static class ArtifactEndpoints
{
    /// <summary>Registers <see cref="ArtifactService"/>; an <see cref="IArtifactStore"/> must be registered too.</summary>
    public static IServiceCollection AddKeelArtifacts(this IServiceCollection services) =>
        services.AddSingleton<ArtifactService>();

    /// <summary>
    /// Maps the artifact routes. On an application pipeline (a <c>WebApplication</c>) it also adds a guard
    /// that refuses, with INVALID_PARAMETER_VALUE, proxy requests whose raw path escapes through dot segments
    /// or encoding that Kestrel would otherwise normalize out of the proxy's routes; map after
    /// <c>UseMlflowErrors</c> so the guard's errors become MLflow JSON.
    /// </summary>
    public static IEndpointRouteBuilder MapArtifactEndpoints(this IEndpointRouteBuilder app)
    {
        if (app is IApplicationBuilder pipeline)
        {
            pipeline.Use(ArtifactRequestTarget.GuardAsync);
        }
        foreach (var prefix in new[] { MlflowRoutes.ApiPrefix, MlflowRoutes.AjaxPrefix })
        {
            app.MapGroup(prefix).MapGet(MlflowRoutes.ArtifactsList, ListRunArtifactsAsync);
        }
        foreach (var prefix in new[] { MlflowRoutes.ArtifactProxyPrefix, MlflowRoutes.AjaxArtifactProxyPrefix })
        {
            var group = app.MapGroup(prefix);
            const string file = MlflowRoutes.ProxiedArtifacts + "/{**path}";
            group.MapGet(MlflowRoutes.ProxiedArtifacts, ListAsync);
            group.MapGet(file, DownloadAsync);
            group.MapPut(file, UploadAsync);
            group.MapDelete(file, DeleteAsync);
            MultipartEndpoints.Map(group);
        }
        PresignEndpoints.Map(app);
        return app;
    }

    private static async Task<IResult> ListRunArtifactsAsync(HttpContext http, ArtifactService artifacts)
    {
        var runId = Query(http, "run_id") is { Length: > 0 } id ? id : Query(http, "run_uuid");
        var listing = await artifacts.ListRunArtifactsAsync(runId, Query(http, "path"), http.RequestAborted);
        var response = new ListArtifactsResponse { RootUri = listing.RootUri, Files = ToDtos(listing.Files) };
        return Ok(response, MlflowJsonContext.Default.ListArtifactsResponse);
    }

    private static async Task<IResult> ListAsync(HttpContext http, ArtifactService artifacts)
    {
        var directory = ArtifactPath.ParseDirectory(Query(http, "path"), "path");
        var files = await artifacts.ListAsync(directory, http.RequestAborted);
        return Ok(new ListProxiedArtifactsResponse { Files = ToDtos(files) }, MlflowJsonContext.Default.ListProxiedArtifactsResponse);
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, ArtifactService artifacts)
    {
        var path = ArtifactRequestTarget.GetPath(http, allowRoot: false);
        var content = await artifacts.OpenReadAsync(path, http.RequestAborted);
        // Sent as an attachment and never sniffed, so an uploaded HTML file cannot run on the server's origin.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Stream(content, ArtifactContentTypes.For(path.Name), path.Name);
    }

    private static async Task<IResult> UploadAsync(HttpContext http, ArtifactService artifacts)
    {
        var path = ArtifactRequestTarget.GetPath(http, allowRoot: false);
        // Artifacts (models, datasets) can be any size; the body streams to disk, so no cap is needed.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
        await artifacts.PutAsync(path, http.Request.Body, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, ArtifactService artifacts)
    {
        var path = ArtifactRequestTarget.GetPath(http, allowRoot: false);
        await artifacts.DeleteAsync(path, http.RequestAborted);
        return OkEmpty();
    }

    private static FileInfoDto[] ToDtos(IReadOnlyList<ArtifactFile> files) =>
        [.. files.Select(f => new FileInfoDto { Path = f.Path, IsDir = f.IsDirectory, FileSize = f.Size })];
}
