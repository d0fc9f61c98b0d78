using Keel.Core.Common;

namespace Keel.Core.Pipelines.Runs;

/// <summary>
/// Moves a pipeline run forward after anything changed (it was created, a stage finished): Pending stages whose upstream
/// stages all Succeeded or were Restored become Queued and are handed to the <see cref="IPipelineDispatcher"/>; Pending
/// stages below a Failed or Cancelled one become Cancelled; the run becomes Running once a stage left Pending, and
/// Succeeded or Failed (ending its tracking run) once every stage is final.
/// </summary>
/// <remarks>
/// Idempotent and safe to call from many workers and replicas at once: every stage move is a compare-and-set, and only
/// the caller that made a Pending → Queued move dispatches that stage, so a stage is dispatched once.
/// </remarks>
public sealed class PipelineRunCoordinator(IPipelineStore store, PipelineRunTracking tracking, TimeProvider time, IPipelineDispatcher? dispatcher = null)
{
    private static readonly StageRunStatus[] PendingOnly = [StageRunStatus.Pending];

    /// <summary>True when a dispatcher (an executor of stages) is configured.</summary>
    public bool CanDispatch => dispatcher is not null;

    /// <summary>Advances the run; returns it as stored afterwards.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST for an unknown run; INVALID_STATE when a stage is ready but no executor is configured.</exception>
    public async Task<PipelineRun> AdvanceAsync(string runId, CancellationToken ct = default)
    {
        var run = await store.GetRunAsync(runId, ct) ?? throw KeelException.NotFound($"Pipeline run '{runId}' not found.");
        if (IsEnded(run.Status))
        {
            return run;
        }
        if (run.Stages.Any(s => s.Status == StageRunStatus.Pending))
        {
            var ready = await MovePendingAsync(run, ct);
            await DispatchAsync(runId, ready, ct);
        }
        return await SettleRunStatusAsync(runId, ct);
    }

    /// <summary>Moves what can move; returns the stages this caller queued.</summary>
    private async Task<List<string>> MovePendingAsync(PipelineRun run, CancellationToken ct)
    {
        var registered = await store.GetPipelineAsync(run.Pipeline, ct) ?? throw KeelException.NotFound($"Pipeline '{run.Pipeline}' not found.");
        var pipeline = registered.AsOf(run.Definition);
        var graph = RegisteredPipelines.Graph(pipeline, run.ParamOverrides);
        var known = graph.Spec.Stages.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var statuses = run.Stages.ToDictionary(s => s.Stage, s => s.Status, StringComparer.Ordinal);
        var queued = new List<string>();
        for (var moved = true; moved;)
        {
            moved = false;
            foreach (var stage in run.Stages.Select(s => s.Stage).Where(s => statuses[s] == StageRunStatus.Pending))
            {
                var (target, message) = Decide(stage, graph, known, statuses);
                if (target is not { } to)
                {
                    continue;
                }
                if (to == StageRunStatus.Queued && dispatcher is null)
                {
                    throw NoExecutor();
                }
                if (await store.TryMoveStageAsync(run.Id, stage, PendingOnly, to, message, ct))
                {
                    statuses[stage] = to;
                    if (to == StageRunStatus.Queued)
                    {
                        queued.Add(stage);
                    }
                }
                else
                {
                    // Someone else moved it: read what they did, so cancellations below it still cascade.
                    var fresh = await store.GetRunAsync(run.Id, ct);
                    statuses[stage] = fresh?.Stages.FirstOrDefault(s => s.Stage == stage)?.Status ?? StageRunStatus.Cancelled;
                }
                moved = true;
            }
        }
        return queued;
    }

    private static (StageRunStatus? Target, string Message) Decide(string stage, PipelineGraph graph, HashSet<string> known, Dictionary<string, StageRunStatus> statuses)
    {
        if (!known.Contains(stage))
        {
            return (StageRunStatus.Cancelled, $"Stage '{stage}' is no longer in the pipeline (it was registered again).");
        }
        var upstream = graph.Upstream(stage).Where(statuses.ContainsKey).ToList();
        var blocked = upstream.FirstOrDefault(u => statuses[u] is StageRunStatus.Failed or StageRunStatus.Cancelled);
        if (blocked is not null)
        {
            // Name the stage that actually failed, not the cancelled one in between.
            var failed = graph.AllUpstream(stage).FirstOrDefault(u => statuses.GetValueOrDefault(u) == StageRunStatus.Failed) ?? blocked;
            return (StageRunStatus.Cancelled, statuses.GetValueOrDefault(failed) == StageRunStatus.Failed
                ? $"Not run: upstream stage '{failed}' failed."
                : $"Not run: upstream stage '{failed}' was cancelled.");
        }
        return upstream.All(u => statuses[u] is StageRunStatus.Succeeded or StageRunStatus.Restored)
            ? (StageRunStatus.Queued, "")
            : (null, "");
    }

    private async Task DispatchAsync(string runId, List<string> queued, CancellationToken ct)
    {
        if (queued.Count == 0)
        {
            return;
        }
        try
        {
            await dispatcher!.DispatchAsync(runId, queued, ct);
        }
        catch
        {
            // Put them back, so the next advance (a retry of the trigger, another stage finishing) dispatches them again.
            foreach (var stage in queued)
            {
                await store.TryMoveStageAsync(runId, stage, [StageRunStatus.Queued], StageRunStatus.Pending, "", CancellationToken.None);
            }
            throw;
        }
    }

    private async Task<PipelineRun> SettleRunStatusAsync(string runId, CancellationToken ct)
    {
        var run = await store.GetRunAsync(runId, ct) ?? throw KeelException.NotFound($"Pipeline run '{runId}' not found.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (run.Stages.All(s => IsFinal(s.Status)))
        {
            var succeeded = run.Stages.All(s => s.Status is StageRunStatus.Succeeded or StageRunStatus.Restored);
            await store.SetRunStatusAsync(runId, succeeded ? PipelineRunStatus.Succeeded : PipelineRunStatus.Failed, now, now, null, ct);
            if (run.TrackingRunId is { } trackingRunId)
            {
                await tracking.EndAsync(trackingRunId, succeeded, now, ct);
            }
        }
        else if (run.Status == PipelineRunStatus.Queued && run.Stages.Any(s => s.Status != StageRunStatus.Pending))
        {
            await store.SetRunStatusAsync(runId, PipelineRunStatus.Running, now, null, null, ct);
        }
        else
        {
            return run;
        }
        return await store.GetRunAsync(runId, ct) ?? run;
    }

    /// <summary>The error a trigger gets when nothing can run stages.</summary>
    public static KeelException NoExecutor() => new(ErrorCode.InvalidState,
        "No pipeline executor configured: start the server with a pipeline dispatcher (keel worker on PostgreSQL, or the in-process runner on SQLite).");

    /// <summary>Succeeded, Restored, Failed and Cancelled: nothing more happens to the stage.</summary>
    public static bool IsFinal(StageRunStatus status) =>
        status is StageRunStatus.Succeeded or StageRunStatus.Restored or StageRunStatus.Failed or StageRunStatus.Cancelled;

    private static bool IsEnded(PipelineRunStatus status) => status is PipelineRunStatus.Succeeded or PipelineRunStatus.Failed;
}
