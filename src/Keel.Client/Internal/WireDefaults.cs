using Keel.Contracts.Mlflow;

namespace Keel.Client.Internal;

/// <summary>
/// Restores the empty lists that protobuf JSON leaves out. The source-generated contract sets init-only members
/// through its constructor path, so an omitted list arrives as null despite the records' <c>= []</c>; callers of the
/// SDK get the non-null lists the types promise.
/// </summary>
internal static class WireDefaults
{
    public static ExperimentDto Fix(ExperimentDto experiment) => experiment with { Tags = experiment.Tags ?? [] };

    public static RunDto Fix(RunDto run) => run with
    {
        Data = run.Data is null
            ? new RunDataDto()
            : run.Data with { Metrics = run.Data.Metrics ?? [], Params = run.Data.Params ?? [], Tags = run.Data.Tags ?? [] },
        Inputs = new RunInputsDto { DatasetInputs = run.Inputs?.DatasetInputs ?? [] },
    };

    public static SearchExperimentsResponse Fix(SearchExperimentsResponse response) =>
        response with { Experiments = (response.Experiments ?? []).Select(Fix).ToArray() };

    public static SearchRunsResponse Fix(SearchRunsResponse response) =>
        response with { Runs = (response.Runs ?? []).Select(Fix).ToArray() };

    public static IReadOnlyList<MetricDto> Metrics(GetMetricHistoryResponse response) => response.Metrics ?? [];

    public static IReadOnlyList<FileInfoDto> Files(ListArtifactsResponse response) => response.Files ?? [];

    public static IReadOnlyList<FileInfoDto> Files(ListProxiedArtifactsResponse response) => response.Files ?? [];
}
