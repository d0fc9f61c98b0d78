using System.Diagnostics;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Storage;
using Keel.Testing;
using Keel.Workers.Hosting;
using Keel.Workers.Quartz;

namespace Keel.Benchmarks;

/// <summary>
/// <c>pipeline-worker-start</c>: how long a stage waits between becoming ready and its attempt starting on a worker, with
/// two workers in the Quartz cluster on PostgreSQL (KEEL_TEST_POSTGRES). Ready is the trigger for root stages (queued by
/// a node that only schedules, as <c>keel server</c> does, so another node must notice them) and the end of the last
/// upstream attempt otherwise (queued by the worker that finished it). The goal is 1 s.
/// </summary>
internal sealed class PipelineWorkerStartBenchmark : IBenchmark
{
    private const double TargetMs = 1000;

    // No-op commands; each stage writes a marker its dependents declare as a dep, which is what makes the edges.
    private const string Yaml = """
        stages:
          root:
            cmd: touch root.txt
            outs: [root.txt]
          fan:
            foreach: [1, 2, 3, 4]
            do:
              cmd: touch fan-${item}.txt
              deps: [root.txt]
              outs:
                - fan-${item}.txt
          join:
            cmd: "true"
            deps: [fan-1.txt, fan-2.txt, fan-3.txt, fan-4.txt]
        """;

    public string Name => "pipeline-worker-start";

    public string Summary => "delay from a stage becoming ready to its attempt starting, 2 Quartz workers on PostgreSQL, vs the 1 s goal";

    public IReadOnlyList<IntOption> Options { get; } = [new("runs", 4, 1, 100, "pipeline runs of 6 stages each (root, 4-way fan-out, join), one after another")];

    public async Task RunAsync(BenchmarkArgs args)
    {
        Console.WriteLine($"pipeline-worker-start: {args["runs"]} runs of root → fan@1..4 → join (no-op commands), 2 workers (4 stages at once each, check-in 5 s), one scheduling-only node");
        Console.WriteLine("ready: the trigger for root (scheduled by the node that does not run stages), the last upstream attempt's end for the rest");
        Console.WriteLine($"reference: the goal, {TargetMs:0} ms");
        await using var harness = new PostgresStoresHarness("keel-bench-workers");
        var stores = await harness.OpenAsync();
        await stores.Pipelines.UpsertPipelineAsync(new RegisteredPipeline("bench", Yaml, null, null, null, [], 0, 0, null));
        var options = new PipelineWorkerOptions { Concurrency = 4 };
        await using var a = await PipelineWorker.StartAsync(stores, harness.BackendStoreUri, options with { WorkerId = "bench-a" }, TimeProvider.System, null, CancellationToken.None);
        await using var b = await PipelineWorker.StartAsync(stores, harness.BackendStoreUri, options with { WorkerId = "bench-b" }, TimeProvider.System, null, CancellationToken.None);
        await using var server = await QuartzCluster.JoinAsync(
            QuartzClusterOptions.ForBackendStore(harness.BackendStoreUri) with { InstanceId = "bench-server" }, null, CancellationToken.None);
        var dispatcher = new QuartzPipelineDispatcher(server.Scheduler);

        var rootDelays = new List<double>();
        var downstreamDelays = new List<double>();
        for (var i = -1; i < args["runs"]; i++)
        {
            var (run, triggeredAt) = await RunOnceAsync(stores, dispatcher);
            if (run.Status != PipelineRunStatus.Succeeded)
            {
                throw new InvalidOperationException($"run {run.Id} ended {run.Status}: {string.Join("; ", run.Stages.Select(s => $"{s.Stage} {s.Status} {s.Message}"))}");
            }
            if (i < 0)
            {
                continue; // warm-up: JIT, connection pools
            }
            var stages = run.Stages.ToDictionary(s => s.Stage, StringComparer.Ordinal);
            rootDelays.Add(stages["root"].Attempts[0].StartedAt - triggeredAt);
            foreach (var fan in run.Stages.Where(s => s.Stage.StartsWith("fan@", StringComparison.Ordinal)))
            {
                downstreamDelays.Add(fan.Attempts[0].StartedAt - stages["root"].Attempts[^1].EndedAt!.Value);
            }
            var lastFanEnd = run.Stages.Where(s => s.Stage.StartsWith("fan@", StringComparison.Ordinal)).Max(s => s.Attempts[^1].EndedAt!.Value);
            downstreamDelays.Add(stages["join"].Attempts[0].StartedAt - lastFanEnd);
        }
        var all = LatencySummary.Of(rootDelays.Concat(downstreamDelays));
        var roots = LatencySummary.Of(rootDelays);
        var downstream = LatencySummary.Of(downstreamDelays);
        Console.WriteLine();
        Report.Table(["measure", "value"],
        [
            ["stages measured", Report.Count(all.Count)],
            ["root stages (trigger → start), median / p95", $"{Report.Ms(roots.P50)} / {Report.Ms(roots.P95)}"],
            ["downstream stages (upstream end → start), median / p95", $"{Report.Ms(downstream.P50)} / {Report.Ms(downstream.P95)}"],
            ["all stages, median / p95 / max", $"{Report.Ms(all.P50)} / {Report.Ms(all.P95)} / {Report.Ms(all.Max)}"],
            ["p95 ÷ 1 s goal", Report.Ratio(all.P95 / TargetMs)],
            ["verdict (p95 ≤ 1 s)", Report.Verdict(all.P95 <= TargetMs)],
        ]);
    }

    private static async Task<(PipelineRun Run, long TriggeredAt)> RunOnceAsync(KeelStores stores, QuartzPipelineDispatcher dispatcher)
    {
        var pipeline = (await stores.Pipelines.GetPipelineAsync("bench"))!;
        var graph = RegisteredPipelines.Graph(pipeline, new Dictionary<string, string>());
        var runId = Guid.NewGuid().ToString("N");
        var triggeredAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await stores.Pipelines.CreateRunAsync(new PipelineRun(runId, "bench", PipelineRunTrigger.Manual, "", new Dictionary<string, string>(),
            PipelineRunStatus.Queued, triggeredAt, null, null, null,
            [.. graph.Spec.Stages.Select(s => new StageRun(s.Name, StageRunStatus.Pending, [], new Dictionary<string, string>(), "", null))]));
        await new PipelineRunCoordinator(stores.Pipelines, new PipelineRunTracking(stores.Tracking, TimeProvider.System), TimeProvider.System, dispatcher)
            .AdvanceAsync(runId);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            var run = (await stores.Pipelines.GetRunAsync(runId))!;
            if (run.Status is PipelineRunStatus.Succeeded or PipelineRunStatus.Failed)
            {
                return (run, triggeredAt);
            }
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"run {runId} did not end within 60 s");
    }
}
