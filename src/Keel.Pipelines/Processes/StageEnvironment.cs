using Keel.Core.Pipelines;

namespace Keel.Pipelines.Processes;

/// <summary>
/// What a stage's command learns about where it runs, as environment variables: the pipeline, the stage, the run, and
/// the tracking server (so <c>keel</c> commands and MLflow clients in the stage talk to the server running the pipeline
/// without configuration). Variables the stage's own <c>env</c> sets win.
/// </summary>
public static class StageEnvironment
{
    public const string Pipeline = "KEEL_PIPELINE";
    public const string Stage = "KEEL_STAGE";
    public const string PipelineRunId = "KEEL_PIPELINE_RUN_ID";
    public const string TrackingUri = "KEEL_TRACKING_URI";
    public const string MlflowTrackingUri = "MLFLOW_TRACKING_URI";

    /// <summary>MLflow clients log into this run when it is set: the stage's child run.</summary>
    public const string MlflowRunId = "MLFLOW_RUN_ID";

    /// <summary>
    /// <paramref name="stage"/> with the variables added to its <see cref="StageSpec.Env"/>; a null or empty value is left out.
    /// </summary>
    public static StageSpec With(StageSpec stage, string pipeline, string? pipelineRunId, Uri? trackingUri, string? stageRunId)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Pipeline] = pipeline,
            [Stage] = stage.Name,
        };
        Add(env, PipelineRunId, pipelineRunId);
        Add(env, TrackingUri, trackingUri?.AbsoluteUri);
        Add(env, MlflowTrackingUri, trackingUri?.AbsoluteUri);
        Add(env, MlflowRunId, stageRunId);
        foreach (var (key, value) in stage.Env)
        {
            env[key] = value;
        }
        return stage with { Env = env };
    }

    private static void Add(Dictionary<string, string> env, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            env[key] = value;
        }
    }
}
