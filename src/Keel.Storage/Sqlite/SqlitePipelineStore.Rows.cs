using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;

namespace Keel.Storage.Sqlite;

/// <summary>
/// Rows of the pipeline-run tables as both backends read them, and their assembly into <see cref="PipelineRun"/>s;
/// shared with the PostgreSQL store so the two cannot drift apart.
/// </summary>
internal static class PipelineStoreRows
{
    public sealed record RunRow(string Id, string Pipeline, string Trigger, string TriggerDetail, string OverridesJson, string Status,
        long CreatedAt, long? StartedAt, long? EndedAt, string? TrackingRunId, string? DefinitionJson);

    public sealed record StageRow(string RunId, string Stage, string Status, string OutsJson, string Message, string? TrackingRunId);

    public sealed record AttemptRow(string RunId, string Stage, StageAttempt Attempt);

    /// <summary>Runs in the order of <paramref name="runs"/>; stages in the order read (by position).</summary>
    public static IReadOnlyList<PipelineRun> Assemble(IReadOnlyList<RunRow> runs, IReadOnlyList<StageRow> stages, IReadOnlyList<AttemptRow> attempts)
    {
        var attemptsByStage = attempts.GroupBy(a => (a.RunId, a.Stage))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<StageAttempt>)[.. g.Select(a => a.Attempt).OrderBy(a => a.Number)]);
        var stagesByRun = stages.GroupBy(s => s.RunId).ToDictionary(g => g.Key, g => (IReadOnlyList<StageRun>)[.. g.Select(s => new StageRun(
            s.Stage, Parse<StageRunStatus>(s.Status), attemptsByStage.GetValueOrDefault((s.RunId, s.Stage)) ?? [], PipelineStoreJson.ReadMap(s.OutsJson),
            s.Message, s.TrackingRunId))]);
        return [.. runs.Select(r => new PipelineRun(r.Id, r.Pipeline, Parse<PipelineRunTrigger>(r.Trigger), r.TriggerDetail, PipelineStoreJson.ReadMap(r.OverridesJson),
            Parse<PipelineRunStatus>(r.Status), r.CreatedAt, r.StartedAt, r.EndedAt, r.TrackingRunId, stagesByRun.GetValueOrDefault(r.Id) ?? [])
        {
            Definition = ReadDefinition(r.DefinitionJson),
        })];
    }

    private const string PipelineYamlKey = "pipeline_yaml";
    private const string ParamsYamlKey = "params_yaml";
    private const string WorkspaceKey = "workspace_manifest";

    /// <summary>A run's pipeline snapshot as one JSON object (absent parts omitted); null stays null.</summary>
    public static string? WriteDefinition(PipelineDefinition? definition)
    {
        if (definition is null)
        {
            return null;
        }
        var parts = new Dictionary<string, string> { [PipelineYamlKey] = definition.PipelineYaml };
        if (definition.ParamsYaml is { } parameters)
        {
            parts[ParamsYamlKey] = parameters;
        }
        if (definition.WorkspaceManifest is { } workspace)
        {
            parts[WorkspaceKey] = workspace;
        }
        return PipelineStoreJson.WriteMap(parts);
    }

    public static PipelineDefinition? ReadDefinition(string? json)
    {
        if (json is null)
        {
            return null;
        }
        var parts = PipelineStoreJson.ReadMap(json);
        return new PipelineDefinition(parts.GetValueOrDefault(PipelineYamlKey) ?? "", parts.GetValueOrDefault(ParamsYamlKey), parts.GetValueOrDefault(WorkspaceKey));
    }

    /// <summary>Only a final status finishes a stage.</summary>
    public static void RequireFinish(StageRunStatus status)
    {
        if (status is not (StageRunStatus.Succeeded or StageRunStatus.Restored or StageRunStatus.Failed))
        {
            throw KeelException.InvalidParameter($"A stage finishes as Succeeded, Restored or Failed, not {status}.");
        }
    }

    private static T Parse<T>(string value) where T : struct, Enum =>
        Enum.TryParse<T>(value, out var parsed) ? parsed : throw new KeelException(ErrorCode.InternalError, $"Stored {typeof(T).Name} '{value}' is unknown.");
}
