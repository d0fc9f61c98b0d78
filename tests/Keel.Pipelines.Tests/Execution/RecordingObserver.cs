using System.Collections.Concurrent;
using Keel.Core.Pipelines;
using Keel.Pipelines.Execution;

namespace Keel.Pipelines.Tests.Execution;

/// <summary>Keeps every event a run reports.</summary>
internal sealed class RecordingObserver : IPipelineRunObserver
{
    public ConcurrentQueue<StageDecision> Decisions { get; } = new();

    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentQueue<(string Stage, string Line)> Output { get; } = new();

    public ConcurrentQueue<StageReport> Finished { get; } = new();

    public void StageDecided(StageDecision decision) => Decisions.Enqueue(decision);

    public void StageStarted(string stage) => Started.Enqueue(stage);

    public void StageOutput(string stage, string line) => Output.Enqueue((stage, line));

    public void StageFinished(StageReport report) => Finished.Enqueue(report);
}
