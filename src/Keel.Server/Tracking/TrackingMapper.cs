using Keel.Contracts.Mlflow;
using Keel.Core.Tracking;

namespace Keel.Server.Tracking;

/// <summary>Domain entities to MLflow wire records and back.</summary>
internal static class TrackingMapper
{
    public static ExperimentDto ToDto(this Experiment e) => new()
    {
        ExperimentId = e.ExperimentId,
        Name = e.Name,
        ArtifactLocation = e.ArtifactLocation,
        LifecycleStage = e.LifecycleStage,
        CreationTime = e.CreationTime,
        LastUpdateTime = e.LastUpdateTime,
        Tags = e.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
    };

    public static RunInfoDto ToDto(this RunInfo i) => new()
    {
        RunId = i.RunId,
        RunUuid = i.RunId,
        RunName = i.RunName,
        ExperimentId = i.ExperimentId,
        UserId = i.UserId,
        Status = i.Status.ToWire(),
        StartTime = i.StartTime,
        EndTime = i.EndTime,
        ArtifactUri = i.ArtifactUri,
        LifecycleStage = i.LifecycleStage,
    };

    public static RunDto ToDto(this Run r) => new()
    {
        Info = r.Info.ToDto(),
        Data = new RunDataDto
        {
            Metrics = r.LatestMetrics.Select(ToDto).ToArray(),
            Params = r.Params.Select(p => new KeyValue(p.Key, p.Value)).ToArray(),
            Tags = r.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
        },
        Inputs = new RunInputsDto
        {
            DatasetInputs = r.Inputs.Select(i => new DatasetInputDto
            {
                Tags = i.Tags.Select(t => new KeyValue(t.Key, t.Value)).ToArray(),
                Dataset = new DatasetDto
                {
                    Name = i.Dataset.Name,
                    Digest = i.Dataset.Digest,
                    SourceType = i.Dataset.SourceType,
                    Source = i.Dataset.Source,
                    Schema = i.Dataset.Schema,
                    Profile = i.Dataset.Profile,
                },
            }).ToArray(),
        },
    };

    public static MetricDto ToDto(this Metric m) => new() { Key = m.Key, Value = m.Value, Timestamp = m.Timestamp, Step = m.Step };

    public static IReadOnlyList<Tag> ToTags(this IReadOnlyList<KeyValue>? pairs, string field) =>
        pairs?.Select((p, i) => new Tag(RequiredKey(p?.Key, $"{field}[{i}].key"), p!.Value ?? "")).ToArray() ?? [];

    public static IReadOnlyList<Param> ToParams(this IReadOnlyList<KeyValue>? pairs) =>
        pairs?.Select((p, i) => new Param(RequiredKey(p?.Key, $"params[{i}].key"), p!.Value ?? "")).ToArray() ?? [];

    public static IReadOnlyList<Metric> ToMetrics(this IReadOnlyList<MetricDto>? metrics) =>
        metrics?.Select((m, i) => new Metric(RequiredKey(m?.Key, $"metrics[{i}].key"), m!.Value, m.Timestamp, m.Step)).ToArray() ?? [];

    public static IReadOnlyList<DatasetInput> ToInputs(this IReadOnlyList<DatasetInputDto>? inputs) =>
        inputs?.Select((input, i) =>
        {
            var d = input?.Dataset ?? throw Core.Common.KeelException.InvalidParameter(
                $"Missing value for required parameter 'datasets[{i}].dataset'.");
            return new DatasetInput(
                new Dataset(d.Name ?? "", d.Digest ?? "", d.SourceType ?? "", d.Source ?? "", d.Schema, d.Profile),
                input.Tags.ToTags($"datasets[{i}].tags"));
        }).ToArray() ?? [];

    private static string RequiredKey(string? key, string field) =>
        string.IsNullOrEmpty(key)
            ? throw Core.Common.KeelException.InvalidParameter($"Missing value for required parameter '{field}'.")
            : key;
}
