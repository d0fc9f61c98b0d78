using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Monitoring.Monitors;

namespace Keel.Core.Pipelines.Runs;

/// <summary>
/// The rules of the server's pipeline control plane; hosts call this, never the store directly. Registering parses
/// and validates the pipeline (errors name file, line, stage and key) and computes its next scheduled run; triggering
/// creates a run with every stage Pending and a parent tracking run, then lets the <see cref="PipelineRunCoordinator"/>
/// queue what is ready.
/// </summary>
public sealed class PipelineService(
    IPipelineStore store, PipelineRunCoordinator coordinator, PipelineRunTracking tracking, ICronSchedule cron, IArtifactStore artifacts, TimeProvider time)
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Registers (or replaces) the pipeline named by the file (its <c>name:</c>, else <paramref name="defaultName"/>).
    /// A null <paramref name="workspace"/> keeps the workspace registered before.
    /// </summary>
    public async Task<RegisteredPipeline> RegisterAsync(string? pipelineYaml, string? paramsYaml, string? workspace, string? defaultName, CancellationToken ct = default)
    {
        var yaml = PipelineRules.File(pipelineYaml, "pipeline_yaml", required: true)!;
        var parameters = PipelineRules.File(paramsYaml, "params_yaml", required: false);
        var fallback = string.IsNullOrEmpty(defaultName) ? "pipeline" : PipelineRules.Name(defaultName, "default_name");
        var spec = PipelineLoader.Load(yaml, parameters, [], PipelineFile.DefaultFileName, fallback).Spec;
        PipelineGraph.Build(spec);
        var name = PipelineRules.Name(spec.Name);
        var snapshot = PipelineRules.Workspace(workspace, name);
        if (snapshot is not null && !await ExistsAsync(snapshot, ct))
        {
            throw KeelException.InvalidParameter($"Invalid value '{snapshot}' for parameter 'workspace': no such upload; upload the workspace first.");
        }
        long? nextRunAt = null;
        if (spec.Schedule is { } schedule)
        {
            try
            {
                cron.Validate(schedule, "schedule");
            }
            catch (KeelException e) when (e.Code == ErrorCode.InvalidParameterValue)
            {
                throw KeelException.InvalidParameter($"{PipelineFile.DefaultFileName}: {e.Message}");
            }
            nextRunAt = cron.NextAfter(schedule, time.GetUtcNow())?.ToUnixTimeMilliseconds();
        }
        var existing = await store.GetPipelineAsync(name, ct);
        var now = Now;
        return await store.UpsertPipelineAsync(new RegisteredPipeline(
            name, yaml, parameters, snapshot ?? existing?.WorkspaceManifest, spec.Schedule, spec.Triggers, existing?.CreatedAt ?? now, now, nextRunAt), ct);
    }

    public async Task<RegisteredPipeline> GetAsync(string? name, CancellationToken ct = default)
    {
        var valid = PipelineRules.Name(name);
        return await store.GetPipelineAsync(valid, ct) ?? throw NotFound(valid);
    }

    public Task<IReadOnlyList<RegisteredPipeline>> ListAsync(CancellationToken ct = default) => store.ListPipelinesAsync(ct);

    /// <summary>Deletes the pipeline, its runs and its workspace snapshots (stage logs and outs of its runs stay in the artifact store).</summary>
    public async Task DeleteAsync(string? name, CancellationToken ct = default)
    {
        var pipeline = await GetAsync(name, ct);
        await store.DeletePipelineAsync(pipeline.Name, ct);
        await artifacts.DeleteAsync(ArtifactPath.Parse(PipelineRules.WorkspaceFolder(pipeline.Name), "name"), ct);
    }

    /// <summary>
    /// Stores a workspace snapshot (a tar.gz whose SHA-256 the host computed while receiving it) and returns its path, to
    /// be given to <see cref="RegisterAsync"/>. The pipeline need not be registered yet: the CLI uploads first.
    /// </summary>
    public async Task<string> StoreWorkspaceAsync(string? name, string sha256, Stream content, CancellationToken ct = default)
    {
        var path = PipelineRules.WorkspacePath(PipelineRules.Name(name), sha256);
        await artifacts.PutAsync(ArtifactPath.Parse(path, "name"), content, ct);
        return path;
    }

    /// <summary>Starts a run of the pipeline: params are checked by parsing the pipeline with the overrides applied.</summary>
    /// <exception cref="KeelException">404 for an unknown pipeline; 400 for bad overrides or when no executor is configured.</exception>
    public async Task<PipelineRun> TriggerAsync(string? name, PipelineRunTrigger trigger, string? detail, IReadOnlyDictionary<string, string?>? overrides,
        string? user, CancellationToken ct = default)
    {
        var pipeline = await GetAsync(name, ct);
        var validOverrides = PipelineRules.Overrides(overrides);
        var spec = RegisteredPipelines.Load(pipeline, validOverrides).Spec;
        var order = PipelineGraph.Build(spec).TopologicalOrder;
        if (!coordinator.CanDispatch)
        {
            throw PipelineRunCoordinator.NoExecutor();
        }
        var runId = Guid.NewGuid().ToString("N");
        var triggerDetail = detail ?? "";
        var trackingRunId = await tracking.StartAsync(pipeline.Name, runId, trigger, triggerDetail, user, ct);
        var stages = order.Select(s => new StageRun(s, StageRunStatus.Pending, [], new Dictionary<string, string>(), "", null)).ToArray();
        // The run keeps the pipeline as registered now: registering again mid-run changes the next run only.
        var run = new PipelineRun(runId, pipeline.Name, trigger, triggerDetail, validOverrides, PipelineRunStatus.Queued, Now, null, null, trackingRunId, stages)
        {
            Definition = pipeline.Definition,
        };
        await store.CreateRunAsync(run, ct);
        return await coordinator.AdvanceAsync(runId, ct);
    }

    /// <summary>Pipelines whose triggers name <paramref name="target"/> with <paramref name="kind"/>.</summary>
    public async Task<IReadOnlyList<RegisteredPipeline>> TriggeredByAsync(PipelineTriggerKind kind, string target, CancellationToken ct = default) =>
        [.. (await store.ListPipelinesAsync(ct)).Where(p => p.Triggers.Any(t => t.Kind == kind && string.Equals(t.Target, target, StringComparison.Ordinal)))];

    public async Task<PipelineRun> GetRunAsync(string? runId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(runId))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'run_id'.");
        }
        return await store.GetRunAsync(runId, ct) ?? throw KeelException.NotFound($"Pipeline run '{runId}' not found.");
    }

    /// <summary>Runs of a pipeline (of all when <paramref name="name"/> is null), newest first.</summary>
    public async Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string? name, long? maxResults, CancellationToken ct = default)
    {
        var max = PipelineRules.MaxResults(maxResults);
        if (name is null)
        {
            return await store.ListRunsAsync(null, max, ct);
        }
        var pipeline = await GetAsync(name, ct);
        return await store.ListRunsAsync(pipeline.Name, max, ct);
    }

    /// <summary>Opens the log of a stage attempt (the latest when <paramref name="attempt"/> is null); 404 naming what is missing.</summary>
    public async Task<Stream> OpenLogAsync(string? runId, string? stage, int? attempt, CancellationToken ct = default)
    {
        var run = await GetRunAsync(runId, ct);
        if (string.IsNullOrEmpty(stage))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'stage'.");
        }
        var stageRun = run.Stages.FirstOrDefault(s => s.Stage == stage)
            ?? throw KeelException.NotFound($"Stage '{stage}' not found in pipeline run {run.Id}; its stages are: {string.Join(", ", run.Stages.Select(s => s.Stage))}.");
        if (attempt is < 1)
        {
            throw KeelException.InvalidParameter($"Invalid value {attempt} for parameter 'attempt': attempts are numbered from 1.");
        }
        var chosen = attempt is { } n ? stageRun.Attempts.FirstOrDefault(a => a.Number == n) : stageRun.Attempts.Count > 0 ? stageRun.Attempts[^1] : null;
        if (chosen is null)
        {
            throw KeelException.NotFound(stageRun.Attempts.Count == 0
                ? $"Stage '{stage}' of pipeline run {run.Id} has not started ({stageRun.Status}): no log yet."
                : $"Stage '{stage}' of pipeline run {run.Id} has no attempt {attempt}; it has {stageRun.Attempts.Count}.");
        }
        var path = chosen.LogPath ?? PipelineRules.LogPath(run.Id, stage, chosen.Number);
        try
        {
            return await artifacts.OpenReadAsync(ArtifactPath.Parse(path, "stage"), ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            throw KeelException.NotFound($"No log stored yet for attempt {chosen.Number} of stage '{stage}' in pipeline run {run.Id}.");
        }
    }

    private async Task<bool> ExistsAsync(string path, CancellationToken ct)
    {
        try
        {
            await using var stream = await artifacts.OpenReadAsync(ArtifactPath.Parse(path, "workspace"), ct);
            return true;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return false;
        }
    }

    private static KeelException NotFound(string name) => KeelException.NotFound($"Pipeline '{name}' not found.");
}
