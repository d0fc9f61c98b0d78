using Keel.Core.Datasets;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Core.Lineage;

/// <summary>A model version and what produced it; <see cref="Run"/> is null for a version registered without a run.</summary>
public sealed record ModelVersionLineage(ModelVersion ModelVersion, RunLineage? Run);

/// <summary>
/// The run behind a model version: its info, experiment, code version (from MLflow's <c>mlflow.source.*</c> tags),
/// params, latest metric values and input datasets. <see cref="DatasetVersions"/> holds, for each input whose digest is
/// a data manifest's hash, the registered dataset version of that manifest (the one of the same name when several share it).
/// </summary>
public sealed record RunLineage(
    RunInfo Info,
    string? ExperimentName,
    string? GitCommit,
    string? SourceName,
    string? SourceType,
    IReadOnlyList<Param> Params,
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<DatasetInput> Datasets,
    IReadOnlyList<InputDatasetVersion> DatasetVersions);

/// <summary>The registered dataset version behind the run input at <paramref name="InputIndex"/> of <see cref="RunLineage.Datasets"/>.</summary>
public sealed record InputDatasetVersion(int InputIndex, DatasetVersion Version);
