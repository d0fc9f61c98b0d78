using System.Diagnostics;
using Keel.Client;
using Keel.Data.Add;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Testing;

namespace Keel.Benchmarks;

/// <summary>
/// <c>keel data push</c> and <c>pull</c> over loopback, for many small files and for one large file, against moving
/// the same files through the server's MLflow artifact proxy (what <c>mlflow.log_artifacts</c> and
/// <c>download_artifacts</c> do), in the same run against the same in-process server.
/// </summary>
internal sealed class DataTransferBenchmark : IBenchmark
{
    public string Name => "data-transfer";

    public string Summary => "keel data push/pull of many small files and of one large file vs the MLflow artifact proxy";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("files", 10_000, 1, 1_000_000, "small files in the first case"),
        new("file-kb", 4, 1, 1_048_576, "size of each small file in KiB"),
        new("large-mb", 1024, 1, 65_536, "size of the single large file in MiB"),
        new("jobs", 8, 1, 256, "parallel transfers for keel"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var scratch = BenchFiles.CreateScratch("data-transfer");
        try
        {
            Console.WriteLine($"data-transfer: case 1 {Report.Count(args["files"])} files of {args["file-kb"]} KiB; case 2 one file of {Report.Count(args["large-mb"])} MiB; seeded random bytes");
            Console.WriteLine($"keel: DataTransfer push (then pull into an empty cache of a clone), {args["jobs"]} parallel transfers, chunks of ~1 MiB; data added (not timed) before");
            Console.WriteLine("reference: KeelClient.UploadArtifactsAsync / DownloadArtifactsAsync of the same files through the MLflow artifact proxy (one file after another, as mlflow.log_artifacts)");
            Console.WriteLine("server: in-process Kestrel on 127.0.0.1 (KeelTestServer, SQLite and local files in a temp dir); the page cache holds the source files");
            await using var server = await KeelTestServer.StartAsync();
            using var client = new KeelClient(server.BaseAddress);
            var experimentId = await client.GetOrCreateExperimentAsync("data-transfer-bench");

            var small = Path.Combine(scratch, "small");
            var data = Path.Combine(small, "data");
            for (var i = 0; i < args["files"]; i++)
            {
                var folder = Path.Combine(data, $"d{i / 500:D4}");
                Directory.CreateDirectory(folder);
                BenchFiles.WriteRandom(Path.Combine(folder, $"f{i:D7}.bin"), args["file-kb"] * 1024L, seed: i);
            }
            var large = Path.Combine(scratch, "large");
            Directory.CreateDirectory(Path.Combine(large, "data"));
            BenchFiles.WriteRandom(Path.Combine(large, "data", "big.bin"), (long)args["large-mb"] << 20, seed: -1);

            var rows = new List<IReadOnlyList<string>>
            {
                await MeasureAsync(client, experimentId, small, "data", $"{Report.Count(args["files"])} × {args["file-kb"]} KiB", args["jobs"]),
                await MeasureAsync(client, experimentId, large, "data", $"1 × {Report.Count(args["large-mb"])} MiB", args["jobs"]),
            };
            Console.WriteLine();
            Report.Table(["case", "keel push", "proxy upload", "push ÷ proxy", "keel pull", "proxy download", "pull ÷ proxy"], rows);
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
    }

    private static async Task<IReadOnlyList<string>> MeasureAsync(KeelClient client, string experimentId, string root, string tracked, string label, int jobs)
    {
        Directory.CreateDirectory(Path.Combine(root, DataRepository.KeelFolder));
        var repository = DataRepository.Discover(root);
        new DataAdder(repository).Add([tracked], root);
        var items = repository.FindTracked([tracked], root);
        var bytes = items.Sum(i => i.Spec.Size);

        var started = Stopwatch.GetTimestamp();
        var pushed = await new DataTransfer(client, repository.Cache) { Jobs = jobs }.PushAsync(items);
        var push = Stopwatch.GetElapsedTime(started);
        if (pushed.ObjectsSkipped != 0)
        {
            throw new InvalidOperationException("the server already held some of the objects; the benchmark measures a first push");
        }

        var clone = root + "-clone";
        Directory.CreateDirectory(Path.Combine(clone, DataRepository.KeelFolder));
        File.Copy(items[0].PointerPath, Path.Combine(clone, Path.GetFileName(items[0].PointerPath)));
        var cloned = DataRepository.Discover(clone);
        started = Stopwatch.GetTimestamp();
        await new DataTransfer(client, cloned.Cache) { Jobs = jobs }.PullAsync(cloned.FindTracked([], clone));
        var pull = Stopwatch.GetElapsedTime(started);

        var run = await client.StartRunAsync(experimentId, $"proxy-{Guid.NewGuid():N}");
        var runId = run.RunId;
        await run.DisposeAsync();
        started = Stopwatch.GetTimestamp();
        await client.UploadArtifactsAsync(runId, Path.Combine(root, tracked), "data");
        var upload = Stopwatch.GetElapsedTime(started);
        started = Stopwatch.GetTimestamp();
        await client.DownloadArtifactsAsync(runId, "data", Path.Combine(root + "-download"));
        var download = Stopwatch.GetElapsedTime(started);

        return [label, BenchFiles.MegabytesPerSecond(bytes, push), BenchFiles.MegabytesPerSecond(bytes, upload), Report.Ratio(upload / push),
            BenchFiles.MegabytesPerSecond(bytes, pull), BenchFiles.MegabytesPerSecond(bytes, download), Report.Ratio(download / pull)];
    }
}
