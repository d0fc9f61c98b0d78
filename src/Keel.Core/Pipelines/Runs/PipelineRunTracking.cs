using Keel.Core.Common;
using Keel.Core.Tracking;

namespace Keel.Core.Pipelines.Runs;

/// <summary>
/// The MLflow-compatible parent run recording a pipeline run: created with the run, in the experiment named after the
/// pipeline, tagged so the UI and searches find it; ended when the pipeline run ends. Workers add one child run per stage.
/// </summary>
public sealed class PipelineRunTracking(ITrackingStore store, TimeProvider time)
{
    /// <summary>Tag naming the pipeline.</summary>
    public const string PipelineTag = "keel.pipeline";

    /// <summary>Tag holding the pipeline run's id.</summary>
    public const string PipelineRunIdTag = "keel.pipeline_run_id";

    /// <summary>Tag saying what started it (<see cref="PipelineRunTrigger"/> name, then the detail when there is one).</summary>
    public const string TriggerTag = "keel.trigger";

    private readonly TrackingService _tracking = new(store, time);

    /// <summary>Creates the parent run (and the pipeline's experiment when missing); returns its run id.</summary>
    public async Task<string> StartAsync(string pipeline, string pipelineRunId, PipelineRunTrigger trigger, string detail, string? user, CancellationToken ct)
    {
        var experiment = await EnsureExperimentAsync(pipeline, ct);
        var triggerText = string.IsNullOrEmpty(detail) ? trigger.ToString() : $"{trigger}: {detail}";
        var run = await _tracking.CreateRunAsync(experiment, user, $"{pipeline}-{pipelineRunId[..8]}", null,
            [new Tag(PipelineTag, pipeline), new Tag(PipelineRunIdTag, pipelineRunId), new Tag(TriggerTag, triggerText)], ct);
        return run.Info.RunId;
    }

    /// <summary>Ends the parent run as FINISHED or FAILED; a parent run deleted meanwhile is left alone.</summary>
    public async Task EndAsync(string trackingRunId, bool succeeded, long endedAt, CancellationToken ct)
    {
        try
        {
            await store.UpdateRunAsync(trackingRunId, succeeded ? RunStatus.Finished : RunStatus.Failed, endedAt, null, ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            // Someone deleted the run record; the pipeline run's own status still tells the story.
        }
    }

    private async Task<string> EnsureExperimentAsync(string name, CancellationToken ct)
    {
        if (await store.GetExperimentByNameAsync(name, ct) is { } existing)
        {
            return existing.ExperimentId;
        }
        try
        {
            return await _tracking.CreateExperimentAsync(name, null, [], ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceAlreadyExists)
        {
            // Another replica created it first.
            return (await store.GetExperimentByNameAsync(name, ct))!.ExperimentId;
        }
    }
}
