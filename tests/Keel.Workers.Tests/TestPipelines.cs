using System.Diagnostics;
using System.Security.Cryptography;
using Keel.Core.Artifacts;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Core.Tracking;
using Keel.Storage;
using Keel.Testing;
using Keel.Workers.Stages;

namespace Keel.Workers.Tests;

/// <summary>Registers pipelines and starts runs the way the server does, straight on the stores.</summary>
internal static class TestPipelines
{
    /// <summary>Uploads <paramref name="files"/> as the pipeline's workspace archive and registers the pipeline.</summary>
    public static async Task RegisterAsync(IPipelineStore pipelines, IArtifactStore artifacts, string name, string yaml,
        IReadOnlyDictionary<string, string>? files = null, string? paramsYaml = null)
    {
        using var folder = new TempDirectory("keel-workspace");
        foreach (var (path, text) in files ?? new Dictionary<string, string>())
        {
            var full = Path.Combine(folder.Path, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, text);
        }
        using var archive = new MemoryStream();
        await TarGz.PackAsync(folder.Path, (files ?? new Dictionary<string, string>()).Keys, archive, CancellationToken.None);
        var hash = Convert.ToHexStringLower(SHA256.HashData(archive.ToArray()));
        var pipeline = new RegisteredPipeline(name, yaml, paramsYaml, hash, null, [], 0, 0, null);
        archive.Position = 0;
        await artifacts.PutAsync(PipelineArtifactPaths.Workspace(pipeline)!, archive);
        await pipelines.UpsertPipelineAsync(pipeline);
    }

    /// <summary>Creates a run with every stage Pending, its parent tracking run, and advances it (queuing the roots).</summary>
    public static Task<string> TriggerAsync(KeelStores stores, IPipelineDispatcher dispatcher, string name,
        IReadOnlyDictionary<string, string>? overrides = null) =>
        TriggerAsync(stores.Pipelines, stores.Tracking, dispatcher, name, overrides);

    /// <summary>As above, on the two stores a trigger touches.</summary>
    public static async Task<string> TriggerAsync(IPipelineStore pipelines, ITrackingStore trackingStore, IPipelineDispatcher dispatcher, string name,
        IReadOnlyDictionary<string, string>? overrides = null)
    {
        var pipeline = await pipelines.GetPipelineAsync(name) ?? throw new InvalidOperationException($"no pipeline {name}");
        overrides ??= new Dictionary<string, string>();
        var graph = RegisteredPipelines.Graph(pipeline, overrides);
        var runId = Guid.NewGuid().ToString("N");
        var tracking = new PipelineRunTracking(trackingStore, TimeProvider.System);
        var trackingRunId = await tracking.StartAsync(name, runId, PipelineRunTrigger.Manual, "", "test", CancellationToken.None);
        var stages = graph.Spec.Stages.Select(s => new StageRun(s.Name, StageRunStatus.Pending, [], new Dictionary<string, string>(), "", null)).ToList();
        var run = new PipelineRun(runId, name, PipelineRunTrigger.Manual, "", overrides, PipelineRunStatus.Queued,
            TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), null, null, trackingRunId, stages)
        {
            Definition = pipeline.Definition,
        };
        await pipelines.CreateRunAsync(run);
        await new PipelineRunCoordinator(pipelines, tracking, TimeProvider.System, dispatcher).AdvanceAsync(runId);
        return runId;
    }

    /// <summary>Polls until the run Succeeded or Failed; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<PipelineRun> WaitForEndAsync(IPipelineStore pipelines, string runId, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var run = await pipelines.GetRunAsync(runId) ?? throw new InvalidOperationException($"run {runId} vanished");
            if (run.Status is PipelineRunStatus.Succeeded or PipelineRunStatus.Failed)
            {
                return run;
            }
            if (watch.Elapsed > timeout)
            {
                var stages = string.Join(", ", run.Stages.Select(s => $"{s.Stage}={s.Status}({s.Attempts.Count})"));
                Assert.Fail($"run {runId} did not end within {timeout}: {run.Status}; {stages}{Environment.NewLine}{diagnostics?.Invoke()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Reads one file out of a stage's outs archive.</summary>
    public static async Task<string> ReadOutAsync(IArtifactStore artifacts, string runId, string stage, string path)
    {
        using var folder = new TempDirectory("keel-outs");
        await using (var archive = await artifacts.OpenReadAsync(PipelineArtifactPaths.Outs(runId, stage)))
        {
            await TarGz.ExtractAsync(archive, folder.Path, CancellationToken.None);
        }
        return await File.ReadAllTextAsync(Path.Combine(folder.Path, path));
    }

    public static async Task<string> ReadTextAsync(IArtifactStore artifacts, ArtifactPath path)
    {
        await using var stream = await artifacts.OpenReadAsync(path);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
