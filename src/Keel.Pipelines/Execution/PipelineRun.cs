using Keel.Core.Pipelines;

namespace Keel.Pipelines.Execution;

/// <summary>
/// Schedules the selected stages over the DAG: a stage starts when every selected upstream stage is done (skipped,
/// restored or succeeded), with at most <c>jobs</c> at once; a failure cancels everything downstream of it.
/// </summary>
internal sealed class PipelineRun(PipelineGraph graph, IReadOnlyList<string> selection, StageExecution execution, int jobs)
{
    public async Task<IReadOnlyList<StageReport>> ExecuteAsync(CancellationToken ct)
    {
        var selected = selection.ToHashSet(StringComparer.Ordinal);
        var reports = new Dictionary<string, StageReport>(StringComparer.Ordinal);
        var waiting = selection.ToList();
        var running = new Dictionary<Task<StageReport>, string>();
        while (waiting.Count > 0 || running.Count > 0)
        {
            foreach (var name in waiting.ToArray())
            {
                if (running.Count >= jobs)
                {
                    break;
                }
                var upstream = graph.Upstream(name).Where(selected.Contains).ToArray();
                if (upstream.All(u => reports.TryGetValue(u, out var r) && IsDone(r.State)))
                {
                    waiting.Remove(name);
                    running.Add(Task.Run(() => execution.ExecuteAsync(graph.Stage(name), ct), ct), name);
                }
            }
            if (running.Count == 0)
            {
                break;
            }
            var finished = await Task.WhenAny(running.Keys);
            running.Remove(finished);
            var report = await finished;
            reports[report.Stage] = report;
            if (report.State == StageState.Failed)
            {
                foreach (var dependent in graph.AllDownstream(report.Stage).Where(waiting.Contains))
                {
                    waiting.Remove(dependent);
                    reports[dependent] = await execution.CancelAsync(graph.Stage(dependent), report.Stage, ct);
                }
            }
        }
        return selection.Select(name => reports[name]).ToArray();
    }

    private static bool IsDone(StageState state) => state is StageState.Skipped or StageState.Restored or StageState.Succeeded;
}
