using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Core.Lineage;

/// <summary>A model version and what produced it; <see cref="Run"/> is null for a version registered without a run.</summary>
public sealed record ModelVersionLineage(ModelVersion ModelVersion, RunLineage? Run);

/// <summary>
/// The run behind a model version: its info, experiment, code version (from MLflow's <c>mlflow.source.*</c> tags),
/// params, latest metric values and input datasets.
/// </summary>
public sealed record RunLineage(
    RunInfo Info,
    string? ExperimentName,
    string? GitCommit,
    string? SourceName,
    string? SourceType,
    IReadOnlyList<Param> Params,
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<DatasetInput> Datasets);
