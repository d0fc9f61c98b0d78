using Keel.Core.Pipelines;
using Keel.Pipelines.Execution;

namespace Keel.Pipelines.Tracking;

/// <summary>Everything known about one stage once it reached its final state, for a tracking run.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Report">Its outcome.</param>
/// <param name="Decision">Its planner decision; null when it was cancelled before being planned.</param>
/// <param name="Lock">Its keel.lock entry after this run (deps, params, outs hashes), null when it failed or was cancelled.</param>
/// <param name="Params">Its param values (canonical JSON text by dotted key).</param>
/// <param name="Metrics">Numeric leaves of its metrics files, by dotted key.</param>
/// <param name="StartedAt">ms since the epoch.</param>
/// <param name="EndedAt">ms since the epoch.</param>
public sealed record StageRecord(
    StageSpec Stage,
    StageReport Report,
    StageDecision? Decision,
    StageLock? Lock,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, double> Metrics,
    long StartedAt,
    long EndedAt);

/// <summary>Records a local pipeline run somewhere (a tracking server): one parent run, one child run per stage.</summary>
public interface IPipelineRunRecorder
{
    /// <summary>Starts the parent run; returns its id.</summary>
    Task<string> StartAsync(PipelineSpec pipeline, CancellationToken ct);

    /// <summary>Records a stage that reached its final state as a child run.</summary>
    Task RecordStageAsync(StageRecord record, CancellationToken ct);

    /// <summary>Ends the parent run.</summary>
    Task EndAsync(bool succeeded, CancellationToken ct);
}
