using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring.Monitors;

/// <summary>
/// A monitor: which deployment's traffic it watches, against what reference, how often, and what it alerts on.
/// Written as YAML (<c>keel monitor create -f monitor.yaml</c>) or through <c>/api/keel/v1/monitors</c>.
/// </summary>
/// <param name="Name">Unique name (the same rules as a registered model's name).</param>
/// <param name="Deployment">The deployment (or served model name) whose prediction log is read.</param>
/// <param name="Reference">What the current window is compared with.</param>
/// <param name="Window">Length of the window of traffic evaluated at each run, ending at the run time.</param>
/// <param name="Schedule">Cron expression (5 fields, UTC) for periodic runs; null runs only on demand.</param>
/// <param name="Features">Features to watch; empty watches every input the model's signature (or the log) names.</param>
/// <param name="FeatureOptions">Per-feature method, threshold or kind overrides.</param>
/// <param name="DriftShareThreshold">Dataset drift when the share of drifted features is ≥ this (Evidently's 0.5).</param>
/// <param name="Task">Classification or regression, for quality metrics; null infers it from the model's metrics.</param>
/// <param name="PredictionOutput">The logged output compared with the labels (default <c>prediction</c>).</param>
/// <param name="ScoreOutput">For binary classification: the logged output holding the positive class's probability, for ROC AUC and log loss.</param>
/// <param name="Alerts">Alert rules evaluated after each run.</param>
/// <param name="Webhooks">URLs that receive each fired alert as a JSON POST.</param>
public sealed record MonitorSpec(
    string Name,
    string Deployment,
    MonitorReference Reference,
    TimeSpan Window,
    string? Schedule,
    IReadOnlyList<string> Features,
    IReadOnlyDictionary<string, DriftOptions> FeatureOptions,
    double DriftShareThreshold,
    TaskKind? Task,
    string PredictionOutput,
    string? ScoreOutput,
    IReadOnlyList<AlertRule> Alerts,
    IReadOnlyList<Uri> Webhooks);

/// <summary>Where a monitor's reference comes from.</summary>
public enum MonitorReferenceKind
{
    /// <summary>The dataset version that trained the served model, found through lineage (the default).</summary>
    TrainingData,

    /// <summary>A named dataset version.</summary>
    Dataset,

    /// <summary>A past window of the deployment's own traffic, <see cref="MonitorReference.Offset"/> before the current one.</summary>
    Traffic,
}

/// <summary>A monitor's reference: the training data (default), a dataset version, or a past traffic window.</summary>
/// <param name="Kind">Which kind of reference.</param>
/// <param name="Dataset">For <see cref="MonitorReferenceKind.Dataset"/>: the dataset's name.</param>
/// <param name="DatasetVersion">For <see cref="MonitorReferenceKind.Dataset"/>: its version.</param>
/// <param name="Offset">For <see cref="MonitorReferenceKind.Traffic"/>: how far before the current window's end the reference window ends.</param>
public sealed record MonitorReference(MonitorReferenceKind Kind, string? Dataset = null, long? DatasetVersion = null, TimeSpan? Offset = null)
{
    public static MonitorReference TrainingData { get; } = new(MonitorReferenceKind.TrainingData);
}
