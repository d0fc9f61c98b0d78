using System.Diagnostics;
using System.Text;
using Keel.Core.Pipelines;
using Keel.Pipelines.Execution;

namespace Keel.Benchmarks;

/// <summary>
/// <c>pipeline-noop</c>: a one-stage <c>cmd: true</c> pipeline forced through the executor <c>keel run</c> uses (load
/// keel.yaml, plan, hash, run, lock), against starting <c>true</c> directly; the ratio is Keel's overhead.
/// </summary>
internal sealed class PipelineNoopBenchmark : IBenchmark
{
    public string Name => "pipeline-noop";

    public string Summary => "a forced no-op stage (cmd: true) through keel run's executor vs Process.Start(\"true\")";

    public IReadOnlyList<IntOption> Options { get; } = [new("iterations", 50, 1, 10_000, "timed runs per side, alternating")];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var scratch = BenchFiles.CreateScratch("pipeline-noop");
        try
        {
            Console.WriteLine($"pipeline-noop: {args["iterations"]} timed runs per side, alternating, after one warm-up pair");
            Console.WriteLine("keel: PipelineLoader.Load + PipelineExecutor.RunAsync with --force (parse, plan, /bin/sh -c true, keel.lock write), in process");
            Console.WriteLine("reference: Process.Start(\"true\") and wait for exit");
            File.WriteAllText(Path.Combine(scratch, "keel.yaml"), "name: noop\nstages:\n  noop:\n    cmd: \"true\"\n");
            var keelTimes = new List<double>();
            var directTimes = new List<double>();
            for (var i = -1; i < args["iterations"]; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using (var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
                {
                    await process.WaitForExitAsync();
                }
                var direct = Stopwatch.GetElapsedTime(started);
                started = Stopwatch.GetTimestamp();
                var report = await PipelineBench.RunAsync(scratch, new PipelineRunOptions { Force = true });
                var keel = Stopwatch.GetElapsedTime(started);
                if (report.Stages[0].State != StageState.Succeeded)
                {
                    throw new InvalidOperationException($"the no-op stage ended {report.Stages[0].State}: {report.Stages[0].Reason}");
                }
                if (i >= 0)
                {
                    keelTimes.Add(keel.TotalMilliseconds);
                    directTimes.Add(direct.TotalMilliseconds);
                }
            }
            var keelSummary = LatencySummary.Of(keelTimes);
            var directSummary = LatencySummary.Of(directTimes);
            Console.WriteLine();
            Report.Table(["measure", "value"],
            [
                ["Process.Start(\"true\"), median / p95", $"{Report.Ms(directSummary.P50)} / {Report.Ms(directSummary.P95)}"],
                ["keel run (forced no-op stage), median / p95", $"{Report.Ms(keelSummary.P50)} / {Report.Ms(keelSummary.P95)}"],
                ["keel ÷ direct (median times)", Report.Ratio(keelSummary.P50 / directSummary.P50)],
                ["overhead per stage (median)", Report.Ms(keelSummary.P50 - directSummary.P50)],
            ]);
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
    }
}

/// <summary><c>pipeline-cached</c>: a fully cached re-run of a chain of stages (all up to date); goal under 1 s for 50.</summary>
internal sealed class PipelineCachedBenchmark : IBenchmark
{
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(1);

    public string Name => "pipeline-cached";

    public string Summary => "a fully cached re-run of a 50-stage chain through keel run's executor vs the 1 s goal";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("stages", 50, 2, 10_000, "stages in the chain (each copies its predecessor's 64 KiB out)"),
        new("iterations", 10, 1, 1000, "timed re-runs"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var stages = args["stages"];
        var scratch = BenchFiles.CreateScratch("pipeline-cached");
        try
        {
            Console.WriteLine($"pipeline-cached: a chain of {stages} stages (s0 reads a 64 KiB input; each next stage copies its predecessor's out), run once, then {args["iterations"]} timed re-runs");
            Console.WriteLine("keel: PipelineLoader.Load + PipelineExecutor.RunAsync in process, every stage up to date (hash cache answers, keel.lock compared)");
            Console.WriteLine($"reference: the goal, {Target.TotalSeconds:0} s for the whole re-run");
            BenchFiles.WriteRandom(Path.Combine(scratch, "input.bin"), 64 * 1024, seed: 1);
            var yaml = new StringBuilder("name: chain\nstages:\n");
            for (var i = 0; i < stages; i++)
            {
                var input = i == 0 ? "input.bin" : $"out/s{i - 1}.bin";
                yaml.Append($"  s{i}:\n    cmd: cp {input} out/s{i}.bin\n    deps: [{input}]\n    outs: [out/s{i}.bin]\n");
            }
            File.WriteAllText(Path.Combine(scratch, "keel.yaml"), yaml.ToString());
            Directory.CreateDirectory(Path.Combine(scratch, "out"));
            var first = Stopwatch.GetTimestamp();
            var initial = await PipelineBench.RunAsync(scratch, new PipelineRunOptions());
            Console.WriteLine($"first run: {initial.Count(StageState.Succeeded)} stages ran in {Report.Ms(Stopwatch.GetElapsedTime(first).TotalMilliseconds)}");
            // The hash cache distrusts entries as new as itself (racy git); a real re-run happens later than this.
            await Task.Delay(50);
            var times = new List<double>();
            for (var i = -1; i < args["iterations"]; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var report = await PipelineBench.RunAsync(scratch, new PipelineRunOptions());
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (report.Count(StageState.Skipped) != stages)
                {
                    throw new InvalidOperationException($"the cached re-run did not skip every stage ({report.Count(StageState.Skipped)} of {stages})");
                }
                if (i >= 0)
                {
                    times.Add(elapsed.TotalMilliseconds);
                }
            }
            var summary = LatencySummary.Of(times);
            Console.WriteLine();
            Report.Table(["measure", "value"],
            [
                [$"cached re-run of {stages} stages, median / p95", $"{Report.Ms(summary.P50)} / {Report.Ms(summary.P95)}"],
                ["per stage (median)", Report.Ms(summary.P50 / stages)],
                ["re-run ÷ 1 s goal (median)", Report.Ratio(summary.P50 / Target.TotalMilliseconds)],
            ]);
            Console.WriteLine($"median {Report.Ms(summary.P50)} (target < {Target.TotalMilliseconds:0} ms): {Report.Verdict(summary.P50 < Target.TotalMilliseconds)}");
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
    }
}

/// <summary>What <c>keel run</c> does in process: read keel.yaml (and params.yaml), then the executor.</summary>
internal static class PipelineBench
{
    public static Task<PipelineRunReport> RunAsync(string folder, PipelineRunOptions options)
    {
        var paramsPath = Path.Combine(folder, "params.yaml");
        var pipeline = PipelineLoader.Load(File.ReadAllText(Path.Combine(folder, "keel.yaml")), File.Exists(paramsPath) ? File.ReadAllText(paramsPath) : null, [], "keel.yaml", "bench");
        return new PipelineExecutor(TimeProvider.System).RunAsync(pipeline, folder, options);
    }
}
