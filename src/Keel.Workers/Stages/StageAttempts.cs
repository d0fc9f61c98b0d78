using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Pipelines.Hashing;
using Keel.Pipelines.Processes;

namespace Keel.Workers.Stages;

/// <summary>One delivery of a stage to this worker: its workspace, the run-cache check, and its attempts.</summary>
internal sealed class StageAttempts(StageJob job, PipelineRun run, string stage, AttemptCursor cursor, string? childRun, string scratch)
{
    private readonly string _root = Directory.CreateDirectory(Path.Combine(scratch, "workspace")).FullName;

    // Hashes exactly as `keel run` does (a fresh workspace has no hash cache worth keeping).
    private ContentHasher Hasher => field ??= ContentHasher.Open(_root, null);

    public async Task<StageOutcome> ExecuteAsync(CancellationToken ct)
    {
        var pipeline = (await job.Store.GetPipelineAsync(run.Pipeline, ct)
            ?? throw KeelException.NotFound($"pipeline '{run.Pipeline}' is no longer registered")).AsOf(run.Definition);
        var loaded = RegisteredPipelines.Load(pipeline, run.ParamOverrides);
        var graph = PipelineGraph.Build(loaded.Spec);
        var spec = graph.Stage(stage);
        await MaterializeAsync(pipeline, graph, ct);
        var inputs = new StageLock(stage, spec.Cmd, await HashDepsAsync(spec, ct), loaded.Params.ValuesFor(spec), new Dictionary<string, string>());
        if (await TryRestoreAsync(spec, inputs, ct) is { } restored)
        {
            return restored;
        }
        return await RunCommandAsync(spec, inputs, ct);
    }

    /// <summary>The registered folder first, then each upstream stage's outs over it (nearest last, so they win).</summary>
    private async Task MaterializeAsync(RegisteredPipeline pipeline, PipelineGraph graph, CancellationToken ct)
    {
        if (PipelineArtifactPaths.Workspace(pipeline) is { } workspace)
        {
            await ExtractAsync(workspace, $"the workspace of pipeline '{pipeline.Name}'", ct);
        }
        var upstream = graph.AllUpstream(stage).ToHashSet(StringComparer.Ordinal);
        foreach (var name in graph.TopologicalOrder.Where(upstream.Contains))
        {
            await ExtractAsync(PipelineArtifactPaths.Outs(run.Id, name), $"the outs of upstream stage '{name}'", ct);
        }
    }

    private async Task ExtractAsync(ArtifactPath path, string what, CancellationToken ct)
    {
        Stream archive;
        try
        {
            archive = await job.Artifacts.OpenReadAsync(path, ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            throw KeelException.NotFound($"{what} is missing from the artifact store ({path})");
        }
        await using (archive)
        {
            await TarGz.ExtractAsync(archive, _root, ct);
        }
    }

    private async Task<Dictionary<string, string>> HashDepsAsync(StageSpec spec, CancellationToken ct)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dep in spec.Deps)
        {
            if (dep.IsDataset)
            {
                var materialize = job.DatasetDeps ?? throw KeelException.InvalidParameter(
                    $"stage '{stage}': deps: dataset '{dep.Dataset}' cannot be fetched by this worker (it has no access to the server's datasets)");
                hashes[dep.Path] = await materialize(dep, _root, ct);
                continue;
            }
            hashes[dep.Path] = Hasher.Hash(dep.Path)
                ?? throw KeelException.InvalidParameter(
                    $"stage '{stage}': deps: '{dep.Path}' is neither in the registered pipeline folder nor written by an upstream stage");
        }
        return hashes;
    }

    /// <summary>Restores the outs of an earlier stage with the same inputs, when the run cache has them and their archive is still stored.</summary>
    private async Task<StageOutcome?> TryRestoreAsync(StageSpec spec, StageLock inputs, CancellationToken ct)
    {
        var key = inputs.InputKey;
        if (await job.Store.GetCachedOutsAsync(key, ct) is not { } outs)
        {
            return null;
        }
        var cached = PipelineArtifactPaths.CachedOuts(key);
        await using (var archive = await OpenIfPresentAsync(cached, ct))
        {
            if (archive is null)
            {
                return null;
            }
            var copy = Path.Combine(scratch, "outs.tar.gz");
            await using (var file = File.Create(copy))
            {
                await archive.CopyToAsync(file, ct);
            }
            await using (var file = File.OpenRead(copy))
            {
                await TarGz.ExtractAsync(file, _root, ct);
            }
            await using (var file = File.OpenRead(copy))
            {
                await job.Artifacts.PutAsync(PipelineArtifactPaths.Outs(run.Id, stage), file, ct);
            }
        }
        const string message = "restored from the run cache";
        await job.FinishAsync(run.Id, stage, cursor, StageRunStatus.Restored, outs, message, childRun, null, null, ct);
        return new StageOutcome(StageRunStatus.Restored, 0, inputs with { Outs = outs }, ReadMetrics(spec), message);
    }

    private async Task<StageOutcome> RunCommandAsync(StageSpec spec, StageLock inputs, CancellationToken ct)
    {
        foreach (var write in spec.Writes)
        {
            // Commands may write models/x.onnx without creating models/ first.
            var parent = Path.GetDirectoryName(Path.Combine(_root, write.TrimEnd('/')));
            Directory.CreateDirectory(parent!);
        }
        for (var retry = 0; ; retry++)
        {
            if (retry > 0)
            {
                await Task.Delay(StageProcessRunner.BackoffBeforeRetry(spec.RetryBackoff, retry), job.Time, ct);
                cursor.Number = await job.Store.StartAttemptAsync(run.Id, stage, job.WorkerId, job.Now, ct);
                job.Log($"{StageJob.Describe(run.Id, stage)}: retry, attempt {cursor.Number}");
            }
            var (result, logPath) = await RunAttemptAsync(spec, ct);
            if (result.Succeeded)
            {
                return await FinishSucceededAsync(spec, inputs, logPath, ct);
            }
            if (retry >= spec.Retries)
            {
                var message = spec.Retries == 0 ? result.Message : $"{result.Message} ({retry + 1} attempts)";
                await job.FinishAsync(run.Id, stage, cursor, StageRunStatus.Failed, new Dictionary<string, string>(), message, childRun, result.ExitCode, logPath, ct);
                return new StageOutcome(StageRunStatus.Failed, 0, inputs, new Dictionary<string, double>(), message);
            }
            var ended = job.Now;
            await job.DurablyAsync(token => job.Store.EndAttemptAsync(run.Id, stage, cursor.Number, ended, result.ExitCode, logPath, token),
                $"{StageJob.Describe(run.Id, stage)}: ending attempt {cursor.Number}", ct);
        }
    }

    private async Task<(StageAttemptResult Result, string LogPath)> RunAttemptAsync(StageSpec spec, CancellationToken ct)
    {
        var logFile = Path.Combine(scratch, $"attempt-{cursor.Number}.log");
        StageAttemptResult result;
        await using (var log = new StreamWriter(logFile, append: false, new UTF8Encoding(false)))
        {
            var withEnvironment = StageEnvironment.With(spec, run.Pipeline, run.Id, job.TrackingUri, childRun);
            result = await job.Launcher.RunAttemptAsync(withEnvironment, _root, cursor.Number, log, null, ct);
        }
        var logPath = PipelineArtifactPaths.Log(run.Id, stage, cursor.Number);
        await using (var file = File.OpenRead(logFile))
        {
            await job.Artifacts.PutAsync(logPath, file, ct);
        }
        return (result, logPath.Value);
    }

    private async Task<StageOutcome> FinishSucceededAsync(StageSpec spec, StageLock inputs, string logPath, CancellationToken ct)
    {
        var outs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var write in spec.Writes)
        {
            // A fresh hasher: the command changed files the dep hashing already saw.
            outs[write] = ContentHasher.Open(_root, null).Hash(write) ?? "";
        }
        var missing = outs.Where(o => o.Value.Length == 0).Select(o => o.Key).ToList();
        if (missing.Count > 0)
        {
            var message = $"the command succeeded but did not write {string.Join(", ", missing.Select(m => $"'{m}'"))}";
            await job.FinishAsync(run.Id, stage, cursor, StageRunStatus.Failed, new Dictionary<string, string>(), message, childRun, 0, logPath, ct);
            return new StageOutcome(StageRunStatus.Failed, 0, inputs, new Dictionary<string, double>(), message);
        }
        var metrics = ReadMetrics(spec);
        var archive = Path.Combine(scratch, "outs.tar.gz");
        await using (var file = File.Create(archive))
        {
            await TarGz.PackAsync(_root, spec.Writes, file, ct);
        }
        await UploadAsync(archive, PipelineArtifactPaths.Outs(run.Id, stage), ct);
        await UploadAsync(archive, PipelineArtifactPaths.CachedOuts(inputs.InputKey), ct);
        var cachedAt = job.Now;
        await job.DurablyAsync(token => job.Store.PutCachedOutsAsync(inputs.InputKey, outs, cachedAt, token), $"{StageJob.Describe(run.Id, stage)}: recording its run-cache entry", ct);
        await job.FinishAsync(run.Id, stage, cursor, StageRunStatus.Succeeded, outs, "", childRun, 0, logPath, ct);
        return new StageOutcome(StageRunStatus.Succeeded, 0, inputs with { Outs = outs }, metrics, "");
    }

    private async Task UploadAsync(string file, ArtifactPath path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        await job.Artifacts.PutAsync(path, stream, ct);
    }

    private Dictionary<string, double> ReadMetrics(StageSpec spec)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var file in spec.Metrics)
        {
            var full = Path.Combine(_root, file);
            if (!File.Exists(full))
            {
                continue;
            }
            foreach (var (key, value) in MetricsFile.Flatten(File.ReadAllText(full), file))
            {
                metrics[key] = value;
            }
        }
        return metrics;
    }

    private async Task<Stream?> OpenIfPresentAsync(ArtifactPath path, CancellationToken ct)
    {
        try
        {
            return await job.Artifacts.OpenReadAsync(path, ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return null;
        }
    }
}
