using System.Globalization;
using Keel.Contracts.KeelApi;
using Keel.Contracts.Mlflow;
using Keel.Core.Datasets;
using Keel.Core.Lineage;
using Keel.Core.Tracking;

namespace Keel.Server.KeelApi;

/// <summary>Lineage entities to Keel wire records.</summary>
internal static class LineageMapper
{
    private const string DataContextTag = "mlflow.data.context";

    public static ModelVersionLineageResponse ToResponse(this ModelVersionLineage lineage)
    {
        var v = lineage.ModelVersion;
        return new ModelVersionLineageResponse
        {
            ModelVersion = new LineageModelVersionDto
            {
                Name = v.Name,
                Version = v.Version.ToString(CultureInfo.InvariantCulture),
                Source = v.Source,
                RunId = v.RunId.Length == 0 ? null : v.RunId,
                Status = v.Status,
                CurrentStage = v.CurrentStage,
                Aliases = v.Aliases,
                Description = v.Description,
                CreationTimestamp = v.CreationTimestamp,
                LastUpdatedTimestamp = v.LastUpdatedTimestamp,
                Tags = v.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
            },
            Run = lineage.Run is { } run ? ToDto(run) : null,
        };
    }

    private static LineageRunDto ToDto(RunLineage run) => new()
    {
        RunId = run.Info.RunId,
        RunName = run.Info.RunName,
        ExperimentId = run.Info.ExperimentId,
        ExperimentName = run.ExperimentName,
        Status = run.Info.Status.ToWire(),
        StartTime = run.Info.StartTime,
        EndTime = run.Info.EndTime,
        UserId = run.Info.UserId,
        LifecycleStage = run.Info.LifecycleStage,
        GitCommit = run.GitCommit,
        SourceName = run.SourceName,
        SourceType = run.SourceType,
        Params = run.Params.Select(p => new KeyValue(p.Key, p.Value)).ToArray(),
        Metrics = run.Metrics.Select(m => new MetricDto { Key = m.Key, Value = m.Value, Timestamp = m.Timestamp, Step = m.Step }).ToArray(),
        Datasets = run.Datasets.Select((input, i) => ToDto(input, run.DatasetVersions.FirstOrDefault(v => v.InputIndex == i)?.Version)).ToArray(),
    };

    private static LineageDatasetDto ToDto(DatasetInput input, DatasetVersion? version) => new()
    {
        Name = input.Dataset.Name,
        Digest = input.Dataset.Digest,
        SourceType = input.Dataset.SourceType,
        Source = input.Dataset.Source,
        Schema = input.Dataset.Schema,
        Profile = input.Dataset.Profile,
        Context = input.Tags.FirstOrDefault(t => t.Key == DataContextTag)?.Value,
        Tags = input.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
        DatasetVersion = version is null ? null : new LineageDatasetVersionDto
        {
            Name = version.Name,
            Version = version.Version,
            ManifestHash = version.ManifestHash,
            Kind = version.Kind,
            Size = version.Size,
            FileCount = version.FileCount,
            RowCount = version.RowCount,
            Source = version.Source,
        },
    };
}
