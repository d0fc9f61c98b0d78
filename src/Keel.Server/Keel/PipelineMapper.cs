using Keel.Contracts.KeelApi;
using Keel.Core.Pipelines;

namespace Keel.Server.KeelApi;

/// <summary>Pipeline entities to their wire shapes.</summary>
internal static class PipelineMapper
{
    public static PipelineDto ToDto(this RegisteredPipeline pipeline, IReadOnlyList<string>? stages) => new()
    {
        Name = pipeline.Name,
        PipelineYaml = pipeline.PipelineYaml,
        ParamsYaml = pipeline.ParamsYaml,
        Workspace = pipeline.WorkspaceManifest,
        Schedule = pipeline.Schedule,
        Triggers = [.. pipeline.Triggers.Select(t => new PipelineTriggerDto { Kind = t.Kind.ToString(), Target = t.Target })],
        Stages = stages is null ? null : [.. stages],
        CreatedAt = pipeline.CreatedAt,
        UpdatedAt = pipeline.UpdatedAt,
        NextRunAt = pipeline.NextRunAt,
    };

    public static PipelineRunDto ToDto(this PipelineRun run) => new()
    {
        Id = run.Id,
        Pipeline = run.Pipeline,
        Trigger = run.Trigger.ToString(),
        TriggerDetail = run.TriggerDetail,
        Params = new Dictionary<string, string>(run.ParamOverrides, StringComparer.Ordinal),
        Status = run.Status.ToString(),
        CreatedAt = run.CreatedAt,
        StartedAt = run.StartedAt,
        EndedAt = run.EndedAt,
        DurationMs = run is { StartedAt: { } started, EndedAt: { } ended } ? ended - started : null,
        TrackingRunId = run.TrackingRunId,
        Stages = [.. run.Stages.Select(ToDto)],
    };

    public static ListPipelineRunsResponse ToResponse(this IEnumerable<PipelineRun> runs) => new() { Runs = [.. runs.Select(ToDto)] };

    private static StageRunDto ToDto(StageRun stage) => new()
    {
        Stage = stage.Stage,
        Status = stage.Status.ToString(),
        Message = stage.Message,
        Outs = new Dictionary<string, string>(stage.Outs, StringComparer.Ordinal),
        TrackingRunId = stage.TrackingRunId,
        Attempts = [.. stage.Attempts.Select(a => new StageAttemptDto
        {
            Number = a.Number,
            Worker = a.Worker,
            StartedAt = a.StartedAt,
            EndedAt = a.EndedAt,
            ExitCode = a.ExitCode,
            LogPath = a.LogPath,
        })],
    };
}
