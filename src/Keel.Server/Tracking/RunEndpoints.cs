using Keel.Contracts.Mlflow;
using Keel.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static Keel.Server.Http.MlflowRequest;

namespace Keel.Server.Tracking;

/// <summary>MLflow's runs and metrics API.</summary>
internal static class RunEndpoints
{
    public static RouteGroupBuilder MapRunEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost(MlflowRoutes.RunsCreate, CreateAsync);
        group.MapGet(MlflowRoutes.RunsGet, GetAsync);
        group.MapPost(MlflowRoutes.RunsUpdate, UpdateAsync);
        group.MapPost(MlflowRoutes.RunsDelete, DeleteAsync);
        group.MapPost(MlflowRoutes.RunsRestore, RestoreAsync);
        group.MapPost(MlflowRoutes.RunsSearch, SearchAsync);
        group.MapPost(MlflowRoutes.RunsLogMetric, LogMetricAsync);
        group.MapPost(MlflowRoutes.RunsLogParameter, LogParamAsync);
        group.MapPost(MlflowRoutes.RunsLogBatch, LogBatchAsync);
        group.MapPost(MlflowRoutes.RunsSetTag, SetTagAsync);
        group.MapPost(MlflowRoutes.RunsDeleteTag, DeleteTagAsync);
        group.MapPost(MlflowRoutes.RunsLogInputs, LogInputsAsync);
        group.MapGet(MlflowRoutes.MetricsGetHistory, GetMetricHistoryAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.CreateRunRequest);
        var run = await tracking.CreateRunAsync(r.ExperimentId, r.UserId, r.RunName, r.StartTime, r.Tags.ToTags("tags"), http.RequestAborted);
        return Ok(new RunResponse(run.ToDto()), MlflowJsonContext.Default.RunResponse);
    }

    private static async Task<IResult> GetAsync(HttpContext http, TrackingService tracking)
    {
        var run = await tracking.GetRunAsync(Query(http, "run_id") ?? Query(http, "run_uuid"), http.RequestAborted);
        return Ok(new RunResponse(run.ToDto()), MlflowJsonContext.Default.RunResponse);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.UpdateRunRequest);
        var info = await tracking.UpdateRunAsync(r.RunId ?? r.RunUuid, r.Status, r.EndTime, r.RunName, http.RequestAborted);
        return Ok(new UpdateRunResponse(info.ToDto()), MlflowJsonContext.Default.UpdateRunResponse);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.RunIdRequest);
        await tracking.DeleteRunAsync(r.RunId, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> RestoreAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.RunIdRequest);
        await tracking.RestoreRunAsync(r.RunId, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> SearchAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.SearchRunsRequest);
        var page = await tracking.SearchRunsAsync(r.ExperimentIds, r.Filter, r.RunViewType, r.MaxResults, r.OrderBy, r.PageToken, http.RequestAborted);
        return Ok(new SearchRunsResponse
        {
            Runs = page.Items.Select(run => run.ToDto()).ToArray(),
            NextPageToken = page.NextPageToken,
        }, MlflowJsonContext.Default.SearchRunsResponse);
    }

    private static async Task<IResult> LogMetricAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.LogMetricRequest);
        await tracking.LogMetricAsync(r.RunId ?? r.RunUuid, r.Key, r.Value, r.Timestamp, r.Step, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> LogParamAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.LogParamRequest);
        await tracking.LogParamAsync(r.RunId ?? r.RunUuid, r.Key, r.Value, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> LogBatchAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.LogBatchRequest);
        await tracking.LogBatchAsync(r.RunId, r.Metrics.ToMetrics(), r.Params.ToParams(), r.Tags.ToTags("tags"), http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> SetTagAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.SetTagRequest);
        await tracking.SetTagAsync(r.RunId ?? r.RunUuid, r.Key, r.Value, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> DeleteTagAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.DeleteTagRequest);
        await tracking.DeleteTagAsync(r.RunId, r.Key, http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> LogInputsAsync(HttpContext http, TrackingService tracking)
    {
        var r = await ReadBodyAsync(http, MlflowJsonContext.Default.LogInputsRequest);
        await tracking.LogInputsAsync(r.RunId, r.Datasets.ToInputs(), http.RequestAborted);
        return OkEmpty();
    }

    private static async Task<IResult> GetMetricHistoryAsync(HttpContext http, TrackingService tracking)
    {
        var page = await tracking.GetMetricHistoryAsync(
            Query(http, "run_id") ?? Query(http, "run_uuid"), Query(http, "metric_key"),
            QueryInt64(http, "max_results"), Query(http, "page_token"), http.RequestAborted);
        return Ok(new GetMetricHistoryResponse
        {
            Metrics = page.Items.Select(m => m.ToDto()).ToArray(),
            NextPageToken = page.NextPageToken,
        }, MlflowJsonContext.Default.GetMetricHistoryResponse);
    }
}
