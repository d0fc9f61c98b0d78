using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Core.Tracking;

namespace Keel.Workers.Stages;

/// <summary>
/// One stage's child run under the pipeline run's parent tracking run (tag <c>mlflow.parentRunId</c>): the stage's
/// params, metrics from its metrics files, its duration and lock entries as tags. Tracking is a record of the stage,
/// never a reason to fail it, so a parent run deleted meanwhile only skips the child.
/// </summary>
internal sealed class StageTracking(ITrackingStore store, TimeProvider time)
{
    public const string ParentRunTag = "mlflow.parentRunId";

    private readonly TrackingService _tracking = new(store, time);

    /// <summary>Creates the child run (RUNNING) and returns its id, or null when the parent run is gone.</summary>
    public async Task<string?> StartAsync(PipelineRun run, string stage, string worker, CancellationToken ct)
    {
        if (run.TrackingRunId is not { } parentId || await store.GetRunInfoAsync(parentId, ct) is not { } parent)
        {
            return null;
        }
        var child = await _tracking.CreateRunAsync(parent.ExperimentId, parent.UserId, stage, null,
        [
            new Tag(ParentRunTag, parentId),
            new Tag("keel.pipeline", run.Pipeline),
            new Tag("keel.pipeline_run_id", run.Id),
            new Tag("keel.stage", stage),
            new Tag("keel.worker", worker),
        ], ct);
        return child.Info.RunId;
    }

    /// <summary>Logs what the stage produced and ends the child run FINISHED or FAILED.</summary>
    public async Task EndAsync(string childRunId, StageOutcome outcome, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var tags = new List<Tag>
        {
            new("keel.stage.status", outcome.Status.ToString()),
            new("keel.stage.duration_ms", outcome.DurationMs.ToString(CultureInfo.InvariantCulture)),
        };
        if (outcome.Lock is { } entry)
        {
            tags.Add(new Tag("keel.lock.cmd", Truncate(entry.Cmd)));
            tags.AddRange(entry.Deps.Select(d => new Tag($"keel.lock.dep.{d.Key}", d.Value)));
            tags.AddRange(entry.Outs.Select(o => new Tag($"keel.lock.out.{o.Key}", o.Value)));
        }
        if (outcome.Message.Length > 0)
        {
            tags.Add(new Tag("keel.stage.message", Truncate(outcome.Message)));
        }
        var parameters = outcome.Lock?.Params.Select(p => new Param(p.Key, Truncate(Unquote(p.Value)))).ToList() ?? [];
        var metrics = outcome.Metrics.Select(m => new Metric(m.Key, m.Value, now, 0)).ToList();
        try
        {
            await store.LogBatchAsync(childRunId, metrics, parameters, tags, ct);
            await store.UpdateRunAsync(childRunId, outcome.Succeeded ? RunStatus.Finished : RunStatus.Failed, now, null, ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            // The run record was deleted while the stage ran; the pipeline run still records the stage.
        }
    }

    // Params are kept as canonical JSON; MLflow shows "0.1" and "adam", not "\"adam\"".
    private static string Unquote(string json) =>
        json.Length >= 2 && json[0] == '"' && json[^1] == '"' ? System.Text.Json.JsonSerializer.Deserialize<string>(json) ?? json : json;

    private static string Truncate(string text) => text.Length <= TrackingLimits.MaxParamValueLength ? text : text[..TrackingLimits.MaxParamValueLength];
}

/// <summary>What a stage attempt produced, for its child run.</summary>
internal sealed record StageOutcome(
    StageRunStatus Status,
    long DurationMs,
    StageLock? Lock,
    IReadOnlyDictionary<string, double> Metrics,
    string Message)
{
    public bool Succeeded => Status is StageRunStatus.Succeeded or StageRunStatus.Restored;
}
