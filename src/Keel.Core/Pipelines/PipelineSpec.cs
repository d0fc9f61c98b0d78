namespace Keel.Core.Pipelines;

/// <summary>
/// A pipeline as written in <c>keel.yaml</c>, after <c>foreach</c>/<c>matrix</c> expansion and <c>${…}</c>
/// interpolation: a DAG of stages, plus when the server should run it on its own.
/// </summary>
/// <param name="Name">The pipeline's name (the file's <c>name:</c>, else its folder's name).</param>
/// <param name="Stages">Stages in file order (expanded stages keep their template's position).</param>
/// <param name="Schedule">Cron expression (5 fields, UTC) for periodic runs on the server; null for none.</param>
/// <param name="Triggers">Events that start a run on the server.</param>
public sealed record PipelineSpec(
    string Name,
    IReadOnlyList<StageSpec> Stages,
    string? Schedule,
    IReadOnlyList<PipelineTrigger> Triggers)
{
    /// <summary>The pipeline file's name as given to the parser (e.g. <c>keel.yaml</c>), used in later error messages.</summary>
    public string FileName { get; init; } = "keel.yaml";
}

/// <summary>One stage: a command, what it reads, what it writes.</summary>
/// <param name="Name">Unique in the pipeline; expanded stages are named <c>template@key</c> as in DVC.</param>
/// <param name="Cmd">Run by <c>/bin/sh -c</c> in <see cref="WorkingDirectory"/>.</param>
/// <param name="WorkingDirectory">Relative to the pipeline file's folder, '/'-separated; "." by default.</param>
/// <param name="Deps">Files, folders (possibly other stages' outs) and dataset versions the command reads.</param>
/// <param name="Params">Dotted keys of <c>params.yaml</c> the command reads (their values are part of the fingerprint).</param>
/// <param name="Outs">Files or folders the command writes (cached, restored from the run cache); relative to the pipeline folder.</param>
/// <param name="Metrics">JSON or YAML files the command writes whose numeric leaves are logged as run metrics (also outs, not cached separately).</param>
/// <param name="Retries">Extra attempts after a failure (0 = run once).</param>
/// <param name="RetryBackoff">Wait before the first retry; doubled for each further one.</param>
/// <param name="Timeout">A longer attempt is killed (with its process tree) and counts as failed; null = no limit.</param>
/// <param name="Env">Extra environment variables for the command.</param>
/// <param name="Line">1-based line of the stage in the pipeline file, for error messages.</param>
public sealed record StageSpec(
    string Name,
    string Cmd,
    string WorkingDirectory,
    IReadOnlyList<StageDep> Deps,
    IReadOnlyList<string> Params,
    IReadOnlyList<string> Outs,
    IReadOnlyList<string> Metrics,
    int Retries,
    TimeSpan RetryBackoff,
    TimeSpan? Timeout,
    IReadOnlyDictionary<string, string> Env,
    int Line)
{
    /// <summary>Outs and metrics files: everything the stage writes.</summary>
    public IEnumerable<string> Writes => Outs.Concat(Metrics);

    /// <summary>
    /// 1-based lines in the pipeline file of this stage's keys (<c>"deps"</c>, <c>"outs"</c>…) and list items
    /// (<c>"deps[0]"</c>), for error messages found after parsing; a key not written has no entry (use <see cref="Line"/>).
    /// </summary>
    public IReadOnlyDictionary<string, int> KeyLines { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>The line of <paramref name="key"/> (see <see cref="KeyLines"/>), else the stage's line.</summary>
    public int LineOf(string key) => KeyLines.TryGetValue(key, out var line) ? line : Line;
}

/// <summary>
/// Something a stage reads. A path dep (<see cref="Dataset"/> null) is a file or folder relative to the pipeline folder.
/// A dataset dep names a registered dataset version, materialised at <see cref="Path"/> before the stage runs; with
/// <see cref="Version"/> null, the newest version at the time the run is planned.
/// </summary>
public sealed record StageDep(string Path, string? Dataset = null, long? Version = null)
{
    public bool IsDataset => Dataset is not null;
}

/// <summary>What starts a pipeline run on the server besides its schedule.</summary>
public enum PipelineTriggerKind
{
    /// <summary>A new version of the dataset <see cref="PipelineTrigger.Target"/> is registered.</summary>
    DatasetVersion,

    /// <summary>The monitor <see cref="PipelineTrigger.Target"/> fires an alert (drift or quality).</summary>
    MonitorAlert,
}

/// <summary>An event trigger: e.g. <c>{kind: MonitorAlert, target: churn-drift}</c>.</summary>
public sealed record PipelineTrigger(PipelineTriggerKind Kind, string Target);
