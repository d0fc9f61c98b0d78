using System.Diagnostics;
using Keel.Data.Add;
using Keel.Data.Repository;
using Keel.Data.Status;

namespace Keel.Benchmarks;

/// <summary>
/// <c>keel data status</c> on an unchanged tree of many small files (the stat cache answers without reading them)
/// against <c>git status</c> on the same tree committed to git, alternating in the same run.
/// </summary>
internal sealed class DataStatusBenchmark : IBenchmark
{
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(1);

    public string Name => "data-status";

    public string Summary => "keel data status of an unchanged tree of many files vs git status of the same tree";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("files", 10_000, 10, 1_000_000, "files in the tracked folder (1 KiB each, 100 per subfolder)"),
        new("iterations", 10, 1, 1000, "timed runs per side, alternating"),
    ];

    public Task RunAsync(BenchmarkArgs args)
    {
        var files = args["files"];
        var scratch = BenchFiles.CreateScratch("data-status");
        try
        {
            Console.WriteLine($"data-status: {Report.Count(files)} files of 1 KiB in {Report.Count((files + 99) / 100)} folders, tracked as one folder; {args["iterations"]} timed runs per side");
            Console.WriteLine("keel: DataStatusChecker in this process (loads the stat cache, stats every file, reads none); the tree was added once before");
            Console.WriteLine("reference: git status --porcelain on the same tree, committed (git's index is the same kind of stat cache)");
            var data = Path.Combine(scratch, "data");
            for (var i = 0; i < files; i++)
            {
                var folder = Path.Combine(data, $"d{i / 100:D5}");
                Directory.CreateDirectory(folder);
                BenchFiles.WriteRandom(Path.Combine(folder, $"f{i:D7}.bin"), 1024, seed: i);
            }
            BenchFiles.Run(scratch, "git", ["init", "-q"]);
            BenchFiles.Run(scratch, "git", ["add", "data"]);
            BenchFiles.Run(scratch, "git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "data"]);
            var repository = DataRepository.Discover(scratch);
            new DataAdder(repository).Add(["data"], scratch);

            var keelTimes = new List<double>();
            var gitTimes = new List<double>();
            long bytesRead = 0;
            for (var i = -1; i < args["iterations"]; i++)
            {
                var git = BenchFiles.Run(scratch, "git", ["status", "--porcelain"]);
                var started = Stopwatch.GetTimestamp();
                var report = new DataStatusChecker(DataRepository.Discover(scratch)).Check([], scratch);
                var keel = Stopwatch.GetElapsedTime(started);
                if (!report.IsClean)
                {
                    throw new InvalidOperationException("status reported changes in an unchanged tree");
                }
                bytesRead += report.BytesRead;
                if (i >= 0) // the first pair warms the JIT and the page cache
                {
                    keelTimes.Add(keel.TotalMilliseconds);
                    gitTimes.Add(git.TotalMilliseconds);
                }
            }
            var keelSummary = LatencySummary.Of(keelTimes);
            var gitSummary = LatencySummary.Of(gitTimes);
            Console.WriteLine();
            Report.Table(["measure", "value"],
            [
                ["git status --porcelain, median / p95", $"{Report.Ms(gitSummary.P50)} / {Report.Ms(gitSummary.P95)}"],
                ["keel data status, median / p95", $"{Report.Ms(keelSummary.P50)} / {Report.Ms(keelSummary.P95)}"],
                ["file bytes read by keel (all runs)", Report.Count(bytesRead)],
                ["git ÷ keel (median times)", Report.Ratio(gitSummary.P50 / keelSummary.P50)],
            ]);
            Console.WriteLine($"keel median {Report.Ms(keelSummary.P50)} (target < {Target.TotalMilliseconds:0} ms): {Report.Verdict(keelSummary.P50 < Target.TotalMilliseconds && bytesRead == 0)}");
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
        return Task.CompletedTask;
    }
}
