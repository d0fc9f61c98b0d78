using Keel.Client;
using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Pipelines.Datasets;
using Keel.Pipelines.Processes;
using Keel.Pipelines.Tracking;

namespace Keel.Pipelines.Execution;

/// <summary>
/// Runs a pipeline on this machine, like <c>dvc repro</c>: each selected stage is decided when it becomes ready (its
/// upstream stages finished, so its dep hashes are real) and skipped, restored from the run cache, or run; at most
/// <see cref="PipelineRunOptions.Jobs"/> at once; the dependents of a failed stage are cancelled while unrelated
/// branches finish; keel.lock is written after each stage that ran or was restored.
/// </summary>
/// <param name="time">Clock for durations, timeouts and retry backoff.</param>
/// <param name="client">The Keel server for dataset deps; null when none is configured.</param>
/// <param name="recorder">Records the run as tracking runs; null for none.</param>
public sealed class PipelineExecutor(TimeProvider time, KeelClient? client = null, IPipelineRunRecorder? recorder = null)
{
    private readonly StageProcessRunner _runner = new(time);

    /// <summary>
    /// Runs (or, with <see cref="PipelineRunOptions.DryRun"/>, only plans) <paramref name="pipeline"/>, whose file lies in
    /// <paramref name="pipelineRoot"/>. A bad selection, a path dep that no stage writes and does not exist, a damaged
    /// keel.lock or a dataset dep without a server throws <see cref="KeelException"/> before anything runs.
    /// </summary>
    public async Task<PipelineRunReport> RunAsync(
        LoadedPipeline pipeline, string pipelineRoot, PipelineRunOptions options, IPipelineRunObserver? observer = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Jobs < 1)
        {
            throw KeelException.InvalidParameter($"Invalid jobs {options.Jobs}: run at least one stage at a time.");
        }
        var started = time.GetTimestamp();
        var spec = pipeline.Spec;
        var graph = PipelineGraph.Build(spec);
        var selection = graph.Select(options.Targets);
        var workspace = new PipelineWorkspace(pipelineRoot, spec);
        PipelineValidation.CheckDepsExist(spec, path => Path.Exists(workspace.FullPath(path)));
        foreach (var name in selection)
        {
            // Missing params fail here, before any stage runs.
            pipeline.Params.ValuesFor(graph.Stage(name));
        }
        var locks = LockStore.Open(workspace.LockPath, spec);
        var datasets = new DatasetDeps(client, workspace.Repository);
        var planning = new StagePlanning(workspace, pipeline, locks, datasets, options);
        observer ??= new SilentObserver();
        try
        {
            if (options.DryRun)
            {
                var planned = await PlanAllAsync(graph, selection, planning, observer, ct);
                return new PipelineRunReport(spec.Name, planned, time.GetElapsedTime(started), null);
            }
            var trackingRunId = recorder is null ? null : await recorder.StartAsync(spec, ct);
            var run = new PipelineRun(graph, selection, new StageExecution(workspace, pipeline, locks, planning, datasets, _runner, time, observer, recorder, client?.TrackingUri), options.Jobs);
            var reports = await run.ExecuteAsync(ct);
            var report = new PipelineRunReport(spec.Name, reports, time.GetElapsedTime(started), trackingRunId);
            if (recorder is not null)
            {
                await recorder.EndAsync(report.Succeeded, ct);
            }
            return report;
        }
        finally
        {
            workspace.Hasher.Save();
        }
    }

    // Dry run: every stage decided from disk, in topological order; a stage whose upstream will run, runs.
    private static async Task<IReadOnlyList<StageReport>> PlanAllAsync(
        PipelineGraph graph, IReadOnlyList<string> selection, StagePlanning planning, IPipelineRunObserver observer, CancellationToken ct)
    {
        var willRun = new HashSet<string>(StringComparer.Ordinal);
        var reports = new List<StageReport>();
        foreach (var name in selection)
        {
            var upstream = graph.Upstream(name).Where(willRun.Contains).ToArray();
            var plan = await Task.Run(() => planning.PlanAsync(graph.Stage(name), upstream, ct), ct);
            observer.StageDecided(plan.Decision);
            var state = plan.Decision.Kind == StageDecisionKind.Skip ? StageState.Skipped : StageState.Planned;
            if (state == StageState.Planned)
            {
                willRun.Add(name);
            }
            var report = new StageReport(name, state, plan.Decision.Reasons, TimeSpan.Zero, 0, null);
            observer.StageFinished(report);
            reports.Add(report);
        }
        return reports;
    }

    private sealed class SilentObserver : IPipelineRunObserver
    {
        public void StageDecided(StageDecision decision)
        {
        }

        public void StageStarted(string stage)
        {
        }

        public void StageOutput(string stage, string line)
        {
        }

        public void StageFinished(StageReport report)
        {
        }
    }
}
