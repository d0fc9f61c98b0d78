using Keel.Contracts.Mlflow;
using Keel.Core.Tracking;
using Keel.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Keel.Server.Http.MlflowRequest;

namespace Keel.Server.Tracking;

/// <summary>MLflow's experiments API.</summary>
internal static class ExperimentEndpoints
{
    public static RouteGroupBuilder MapExperimentEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost(MlflowRoutes.ExperimentsCreate, CreateAsync);
        group.MapGet(MlflowRoutes.ExperimentsGet, GetAsync);
        group.MapGet(MlflowRoutes.ExperimentsGetByName, GetByNameAsync);
        group.MapPost(MlflowRoutes.ExperimentsSearch, SearchPostAsync);
        group.MapGet(MlflowRoutes.ExperimentsSearch, SearchGetAsync);
        group.MapPost(MlflowRoutes.ExperimentsUpdate, UpdateAsync);
        group.MapPost(MlflowRoutes.ExperimentsDelete, DeleteAsync);
        group.MapPost(MlflowRoutes.ExperimentsRestore, RestoreAsync);
        group.MapPost(MlflowRoutes.ExperimentsSetTag, SetTagAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, TrackingService tracking)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.CreateExperimentRequest);
        var id = await tracking.CreateExperimentAsync(request.Name, request.ArtifactLocation, request.Tags.ToTags("tags"), http.RequestAborted);
        return Ok(new CreateExperimentResponse(id), MlflowJsonContext.Default.CreateExperimentResponse);
    }

    private static async Task<IResult> GetAsync(HttpContext http, TrackingService tracking)
    {
        var experiment = await tracking.GetExperimentAsync(Query(http, "experiment_id"), http.RequestAborted);
        return Ok(new GetExperimentResponse(experiment.ToDto()), MlflowJsonContext.Default.GetExperimentResponse);
    }

    private static async Task<IResult> GetByNameAsync(HttpContext http, TrackingService tracking)
    {
        var experiment = await tracking.GetExperimentByNameAsync(Query(http, "experiment_name"), http.RequestAborted);
        return Ok(new GetExperimentResponse(experiment.ToDto()), MlflowJsonContext.Default.GetExperimentResponse);
    }

    private static async Task<IResult> SearchPostAsync(HttpContext http, TrackingService tracking) =>
        await SearchAsync(http, tracking, await ReadBodyAsync(http, MlflowJsonContext.Default.SearchExperimentsRequest));

    private static Task<IResult> SearchGetAsync(HttpContext http, TrackingService tracking) =>
        SearchAsync(http, tracking, new SearchExperimentsRequest
        {
            MaxResults = QueryInt64(http, "max_results"),
            PageToken = Query(http, "page_token"),
            Filter = Query(http, "filter"),
            OrderBy = QueryAll(http, "order_by"),
            ViewType = Query(http, "view_type"),
        });

    private static async Task<IResult> SearchAsync(HttpContext http, TrackingService tracking, SearchExperimentsRequest request)
    {
        var page = await tracking.SearchExperimentsAsync(
            request.MaxResults, request.PageToken, request.Filter, request.OrderBy, request.ViewType, http.RequestAborted);
        return Ok(new SearchExperimentsResponse
        {
            Experiments = page.Items.Select(e => e.ToDto()).ToArray(),
            NextPageToken = page.NextPageToken,
        }, MlflowJsonContext.Default.SearchExperimentsResponse);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, TrackingService tracking)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.UpdateExperimentRequest);
        await tracking.RenameExperimentAsync(request.ExperimentId, request.NewName, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, TrackingService tracking)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.ExperimentIdRequest);
        await tracking.DeleteExperimentAsync(request.ExperimentId, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> RestoreAsync(HttpContext http, TrackingService tracking)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.ExperimentIdRequest);
        await tracking.RestoreExperimentAsync(request.ExperimentId, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> SetTagAsync(HttpContext http, TrackingService tracking)
    {
        var request = await ReadBodyAsync(http, MlflowJsonContext.Default.SetExperimentTagRequest);
        await tracking.SetExperimentTagAsync(request.ExperimentId, request.Key, request.Value, http.RequestAborted);
        return OkEmpty();
    }
}
