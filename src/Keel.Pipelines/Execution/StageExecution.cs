using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Data.Cache;
using Keel.Pipelines.Datasets;
using Keel.Pipelines.Processes;
using Keel.Pipelines.Tracking;

namespace Keel.Pipelines.Execution;

/// <summary>Takes one ready stage through decide → skip | restore | run → lock, reporting to the observer and the recorder.</summary>
internal sealed class StageExecution(
    PipelineWorkspace workspace,
    LoadedPipeline pipeline,
    LockStore locks,
    StagePlanning planning,
    DatasetDeps datasets,
    StageProcessRunner runner,
    TimeProvider time,
    IPipelineRunObserver observer,
    IPipelineRunRecorder? recorder,
    Uri? trackingUri)
{
    public async Task<StageReport> ExecuteAsync(StageSpec stage, CancellationToken ct)
    {
        var startedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        var started = time.GetTimestamp();
        StagePlan? plan = null;
        StageReport report;
        StageLock? entry = null;
        try
        {
            // Upstream stages are done, so every dep hash is real: nothing will run upstream.
            plan = await planning.PlanAsync(stage, [], ct);
            observer.StageDecided(plan.Decision);
            (report, entry) = plan.Decision.Kind switch
            {
                StageDecisionKind.Skip => (Report(stage, StageState.Skipped, plan.Decision.Reasons, TimeSpan.Zero), locks.Find(stage.Name) ?? plan.Current),
                StageDecisionKind.Restore => Restore(stage, plan, started, ct),
                _ => await RunAsync(stage, plan, started, ct),
            };
        }
        catch (Exception e) when (e is KeelException or CorruptObjectException or IOException or UnauthorizedAccessException)
        {
            observer.StageOutput(stage.Name, $"keel: {e.Message}");
            report = Report(stage, StageState.Failed, [e.Message], time.GetElapsedTime(started));
        }
        observer.StageFinished(report);
        await RecordAsync(stage, report, plan?.Decision, entry, startedAt, ct);
        return report;
    }

    public async Task<StageReport> CancelAsync(StageSpec stage, string failed, CancellationToken ct)
    {
        var report = Report(stage, StageState.Cancelled, [$"upstream '{failed}' failed"], TimeSpan.Zero);
        observer.StageFinished(report);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await RecordAsync(stage, report, null, null, now, ct);
        return report;
    }

    private (StageReport, StageLock) Restore(StageSpec stage, StagePlan plan, long started, CancellationToken ct)
    {
        var cached = plan.CacheEntry!;
        workspace.RunCache.Restore(cached, workspace.Root, ct);
        var entry = plan.Current with { Outs = cached.ToDictionary(o => o.Key, o => o.Value.Hash, StringComparer.Ordinal) };
        locks.Record(entry);
        return (Report(stage, StageState.Restored, plan.Decision.Reasons, time.GetElapsedTime(started)), entry);
    }

    private async Task<(StageReport, StageLock?)> RunAsync(StageSpec stage, StagePlan plan, long started, CancellationToken ct)
    {
        foreach (var dep in stage.Deps.Where(d => d.IsDataset))
        {
            observer.StageOutput(stage.Name, $"keel: fetching dataset {dep.Dataset}{(dep.Version is { } v ? $"@{v}" : "")} into {dep.Path}");
            await datasets.MaterializeAsync(stage, dep, workspace.Root, ct);
        }
        foreach (var path in stage.Writes)
        {
            // A stale out would look like the command's work if the command forgot to write it; DVC removes outs too.
            DeleteOut(workspace.FullPath(path));
            var parent = Path.GetDirectoryName(workspace.FullPath(path));
            if (parent is not null)
            {
                Directory.CreateDirectory(parent);
            }
        }
        observer.StageStarted(stage.Name);
        var logPath = workspace.LogPathOf(stage.Name);
        var withEnvironment = StageEnvironment.With(stage, pipeline.Spec.Name, pipelineRunId: null, trackingUri, stageRunId: null);
        var result = await runner.RunAsync(StageProcessOptions.ForStage(withEnvironment, workspace.Root), logPath, line => observer.StageOutput(stage.Name, line), ct: ct);
        if (!result.Succeeded)
        {
            return (Report(stage, StageState.Failed, [result.Message], time.GetElapsedTime(started), result.Attempts.Count, logPath), null);
        }
        var outs = new Dictionary<string, (string FullPath, string Hash)>(StringComparer.Ordinal);
        foreach (var path in stage.Writes)
        {
            var hash = workspace.Hash(path);
            if (hash is null)
            {
                var message = $"the command succeeded but did not write out '{path}'";
                observer.StageOutput(stage.Name, $"keel: {message}");
                return (Report(stage, StageState.Failed, [message], time.GetElapsedTime(started), result.Attempts.Count, logPath), null);
            }
            outs[path] = (workspace.FullPath(path), hash);
        }
        var entry = plan.Current with { Outs = outs.ToDictionary(o => o.Key, o => o.Value.Hash, StringComparer.Ordinal) };
        if (plan.CacheEntry is null && planning.UsesRunCache)
        {
            workspace.RunCache.Save(entry.InputKey, outs, ct);
        }
        locks.Record(entry);
        return (Report(stage, StageState.Succeeded, plan.Decision.Reasons, time.GetElapsedTime(started), result.Attempts.Count, logPath), entry);
    }

    private async Task RecordAsync(StageSpec stage, StageReport report, StageDecision? decision, StageLock? entry, long startedAt, CancellationToken ct)
    {
        if (recorder is null)
        {
            return;
        }
        try
        {
            var parameters = pipeline.Params.ValuesFor(stage);
            var metrics = report.State is StageState.Failed or StageState.Cancelled ? new Dictionary<string, double>() : ReadMetrics(stage);
            await recorder.RecordStageAsync(new StageRecord(stage, report, decision, entry, parameters, metrics, startedAt, time.GetUtcNow().ToUnixTimeMilliseconds()), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The stage's work is done and locked; a tracking hiccup must not undo it.
            observer.StageOutput(stage.Name, $"keel: could not record the stage's tracking run: {e.Message}");
        }
    }

    private Dictionary<string, double> ReadMetrics(StageSpec stage)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var file in stage.Metrics)
        {
            var full = workspace.FullPath(file);
            if (File.Exists(full))
            {
                foreach (var (key, value) in MetricsFile.Flatten(File.ReadAllText(full), file))
                {
                    metrics[key] = value;
                }
            }
        }
        return metrics;
    }

    private static void DeleteOut(string full)
    {
        if (Directory.Exists(full) && new DirectoryInfo(full).LinkTarget is null)
        {
            Directory.Delete(full, recursive: true);
        }
        else if (File.Exists(full) || new FileInfo(full).LinkTarget is not null)
        {
            File.Delete(full);
        }
    }

    private static StageReport Report(StageSpec stage, StageState state, IReadOnlyList<string> reasons, TimeSpan duration, int attempts = 0, string? logPath = null) =>
        new(stage.Name, state, reasons, duration, attempts, logPath);
}
