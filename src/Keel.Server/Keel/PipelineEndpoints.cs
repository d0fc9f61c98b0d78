using Keel.Contracts.KeelApi;
using Keel.Core.Artifacts;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Core.Tracking;
using Keel.Monitoring.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Keel.Server.KeelApi.DatasetRequestBody;

namespace Keel.Server.KeelApi;

/// <summary>
/// <c>/api/keel/v1/pipelines</c> and <c>/api/keel/v1/pipeline-runs</c>: registered pipelines, their workspace snapshots,
/// triggers and run history with stage logs. Errors go through the MLflow error middleware: 400 for a broken rule (a bad
/// pipeline file names file, line, stage and key), 404 for an unknown pipeline, run, stage or attempt.
/// </summary>
public static class PipelineEndpoints
{
    /// <summary>The header carrying the claimed user (no auth yet).</summary>
    public const string UserHeader = "X-Keel-User";

    private const string ByName = PipelineRoutes.Pipelines + "/{name}";
    private const string RunById = PipelineRoutes.PipelineRuns + "/{id}";

    /// <summary>
    /// Registers the pipeline service, its run coordinator (with the <see cref="IPipelineDispatcher"/> registered before, if
    /// any: without one, triggers answer "no pipeline executor configured"), dataset-version and monitor-alert triggers, and
    /// the cron scheduler when <see cref="KeelServerOptions.RunMonitorScheduler"/> is on (one switch for the server's schedulers).
    /// </summary>
    public static IServiceCollection AddKeelPipelines(this IServiceCollection services, KeelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(new PipelineServerOptions());
        services.TryAddSingleton<ICronSchedule, CronosSchedule>();
        services.TryAddSingleton(sp => new PipelineRunTracking(sp.GetRequiredService<ITrackingStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new PipelineRunCoordinator(sp.GetRequiredService<IPipelineStore>(), sp.GetRequiredService<PipelineRunTracking>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<IPipelineDispatcher>()));
        services.TryAddSingleton(sp => new PipelineService(sp.GetRequiredService<IPipelineStore>(), sp.GetRequiredService<PipelineRunCoordinator>(),
            sp.GetRequiredService<PipelineRunTracking>(), sp.GetRequiredService<ICronSchedule>(), sp.GetRequiredService<IArtifactStore>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<PipelineEventTriggers>();
        services.TryAddSingleton<IPipelineTriggers>(sp => sp.GetRequiredService<PipelineEventTriggers>());
        services.AddSingleton<IMonitorResultObserver>(sp => sp.GetRequiredService<PipelineEventTriggers>());
        if (options.RunMonitorScheduler)
        {
            services.TryAddSingleton<PipelineScheduler>();
            services.AddHostedService(sp => sp.GetRequiredService<PipelineScheduler>());
        }
        return services;
    }

    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPost(PipelineRoutes.Pipelines, RegisterAsync);
        group.MapGet(PipelineRoutes.Pipelines, ListAsync);
        group.MapGet(ByName, GetAsync);
        group.MapDelete(ByName, DeleteAsync);
        group.MapPut(ByName + "/workspace", UploadWorkspaceAsync);
        group.MapPost(ByName + "/trigger", TriggerAsync);
        group.MapGet(ByName + "/runs", ListRunsAsync);
        group.MapGet(PipelineRoutes.PipelineRuns, ListAllRunsAsync);
        group.MapGet(RunById, GetRunAsync);
        group.MapGet(RunById + "/stages/{stage}/logs", LogsAsync);
        return group;
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, PipelineService pipelines)
    {
        var request = await ReadAsync(http, PipelineJsonContext.Default.RegisterPipelineRequest, new RegisterPipelineRequest());
        var registered = await pipelines.RegisterAsync(request.PipelineYaml, request.ParamsYaml, request.Workspace, request.DefaultName, http.RequestAborted);
        return Results.Json(registered.ToDto(StagesOf(registered)), PipelineJsonContext.Default.PipelineDto);
    }

    private static async Task<IResult> ListAsync(HttpContext http, PipelineService pipelines)
    {
        var all = await pipelines.ListAsync(http.RequestAborted);
        return Results.Json(new ListPipelinesResponse { Pipelines = [.. all.Select(p => p.ToDto(null))] }, PipelineJsonContext.Default.ListPipelinesResponse);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext http, PipelineService pipelines)
    {
        var pipeline = await pipelines.GetAsync(name, http.RequestAborted);
        return Results.Json(pipeline.ToDto(StagesOf(pipeline)), PipelineJsonContext.Default.PipelineDto);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext http, PipelineService pipelines)
    {
        await pipelines.DeleteAsync(name, http.RequestAborted);
        return Results.Json(new DeletePipelineResponse(), PipelineJsonContext.Default.DeletePipelineResponse);
    }

    private static async Task<IResult> UploadWorkspaceAsync(string name, HttpContext http, PipelineService pipelines, PipelineServerOptions options)
    {
        PipelineRules.Name(name);
        var (content, sha256, size) = await PipelineWorkspaceUpload.ReceiveAsync(http, options.MaxWorkspaceBytes);
        await using (content)
        {
            var path = await pipelines.StoreWorkspaceAsync(name, sha256, content, http.RequestAborted);
            return Results.Json(new UploadWorkspaceResponse { Workspace = path, Sha256 = sha256, Size = size }, PipelineJsonContext.Default.UploadWorkspaceResponse);
        }
    }

    private static async Task<IResult> TriggerAsync(string name, HttpContext http, PipelineService pipelines)
    {
        var request = await ReadAsync(http, PipelineJsonContext.Default.TriggerPipelineRequest, new TriggerPipelineRequest());
        var user = http.Request.Headers[UserHeader].LastOrDefault();
        var run = await pipelines.TriggerAsync(name, PipelineRunTrigger.Manual, "", request.Params, string.IsNullOrEmpty(user) ? null : user, http.RequestAborted);
        return Results.Json(run.ToDto(), PipelineJsonContext.Default.PipelineRunDto);
    }

    private static async Task<IResult> ListRunsAsync(string name, HttpContext http, PipelineService pipelines)
    {
        var runs = await pipelines.ListRunsAsync(name, QueryNumber(http, "max_results"), http.RequestAborted);
        return Results.Json(runs.ToResponse(), PipelineJsonContext.Default.ListPipelineRunsResponse);
    }

    private static async Task<IResult> ListAllRunsAsync(HttpContext http, PipelineService pipelines)
    {
        var runs = await pipelines.ListRunsAsync(null, QueryNumber(http, "max_results"), http.RequestAborted);
        return Results.Json(runs.ToResponse(), PipelineJsonContext.Default.ListPipelineRunsResponse);
    }

    private static async Task<IResult> GetRunAsync(string id, HttpContext http, PipelineService pipelines) =>
        Results.Json((await pipelines.GetRunAsync(id, http.RequestAborted)).ToDto(), PipelineJsonContext.Default.PipelineRunDto);

    private static async Task<IResult> LogsAsync(string id, string stage, HttpContext http, PipelineService pipelines)
    {
        var attempt = QueryNumber(http, "attempt");
        if (attempt is < 1 or > int.MaxValue)
        {
            throw Core.Common.KeelException.InvalidParameter($"Invalid value {attempt} for parameter 'attempt': attempts are numbered from 1.");
        }
        var log = await pipelines.OpenLogAsync(id, stage, (int?)attempt, http.RequestAborted);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Stream(log, "text/plain; charset=utf-8");
    }

    // The stage order shown by `keel pipelines show`; a pipeline that no longer parses (a newer parser's rules) still shows.
    private static IReadOnlyList<string>? StagesOf(RegisteredPipeline pipeline)
    {
        try
        {
            return RegisteredPipelines.Graph(pipeline, new Dictionary<string, string>()).TopologicalOrder;
        }
        catch (Core.Common.KeelException)
        {
            return null;
        }
    }
}

/// <summary>Limits of the pipeline API; register your own instance before <c>AddKeelPipelines</c> to change them.</summary>
public sealed class PipelineServerOptions
{
    /// <summary>The largest workspace tar.gz accepted [default: 256 MiB].</summary>
    public long MaxWorkspaceBytes { get; init; } = 256L << 20;
}
