using Keel.Core.Pipelines;

namespace Keel.Pipelines.Execution;

/// <summary>
/// Hears what a local pipeline run does, for a console or a test. Calls come from worker threads (several stages run
/// at once with <c>-j</c>), at most one at a time for a given stage; implementations must be thread-safe.
/// </summary>
public interface IPipelineRunObserver
{
    /// <summary>The stage's decision (skip, restore or run, with reasons), when it became ready (or in a dry run, when planned).</summary>
    void StageDecided(StageDecision decision);

    /// <summary>The stage's command starts.</summary>
    void StageStarted(string stage);

    /// <summary>One line of the stage's output (stdout and stderr merged), or a message from Keel about it.</summary>
    void StageOutput(string stage, string line);

    /// <summary>The stage reached its final state.</summary>
    void StageFinished(StageReport report);
}
