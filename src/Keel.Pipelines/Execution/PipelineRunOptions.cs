namespace Keel.Pipelines.Execution;

/// <summary>What <see cref="PipelineExecutor.RunAsync"/> runs and how.</summary>
public sealed record PipelineRunOptions
{
    /// <summary>Stages (or foreach templates) to bring up to date, with everything upstream; empty (default) = all.</summary>
    public IReadOnlyCollection<string> Targets { get; init; } = [];

    /// <summary>Stages run at once, at least 1. Default 1, as DVC: stages often use every core themselves.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Run the selected stages even when nothing changed (and do not restore them from the run cache). Default false.</summary>
    public bool Force { get; init; }

    /// <summary>Only decide and report; run, restore and write nothing. Default false.</summary>
    public bool DryRun { get; init; }

    /// <summary>Restore outs of known input combinations from the run cache, and save outs into it. Default true.</summary>
    public bool UseRunCache { get; init; } = true;
}

/// <summary>Where a stage stands in a local pipeline run.</summary>
public enum StageState
{
    /// <summary>Waiting for upstream stages.</summary>
    Pending,

    /// <summary>Its command runs.</summary>
    Running,

    /// <summary>Up to date: nothing done.</summary>
    Skipped,

    /// <summary>Outs restored from the run cache; the command did not run.</summary>
    Restored,

    /// <summary>The command ran and succeeded.</summary>
    Succeeded,

    /// <summary>The command (or preparing it) failed.</summary>
    Failed,

    /// <summary>Not run because an upstream stage failed.</summary>
    Cancelled,

    /// <summary>Dry run: the stage would run (or be restored); see its decision.</summary>
    Planned,
}

/// <summary>One stage's outcome.</summary>
/// <param name="Stage">Stage name.</param>
/// <param name="State">Final state.</param>
/// <param name="Reasons">Why it ran or was restored (the planner's reasons), why it failed, or which upstream stage cancelled it.</param>
/// <param name="Duration">Time spent on it (zero for skipped and cancelled stages).</param>
/// <param name="Attempts">Attempts of its command (0 when it did not run).</param>
/// <param name="LogPath">Its log file, when the command ran.</param>
public sealed record StageReport(string Stage, StageState State, IReadOnlyList<string> Reasons, TimeSpan Duration, int Attempts, string? LogPath)
{
    /// <summary>The reasons on one line.</summary>
    public string Reason => string.Join("; ", Reasons);
}

/// <summary>The outcome of a local pipeline run.</summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Stages">Every selected stage, in topological order.</param>
/// <param name="Duration">Wall time of the run.</param>
/// <param name="TrackingRunId">The parent tracking run, when tracked.</param>
public sealed record PipelineRunReport(string Pipeline, IReadOnlyList<StageReport> Stages, TimeSpan Duration, string? TrackingRunId)
{
    /// <summary>True when no stage failed or was cancelled.</summary>
    public bool Succeeded => Stages.All(s => s.State is not (StageState.Failed or StageState.Cancelled));

    /// <summary>How many stages ended in <paramref name="state"/>.</summary>
    public int Count(StageState state) => Stages.Count(s => s.State == state);
}
