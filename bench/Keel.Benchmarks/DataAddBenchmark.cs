using System.Diagnostics;
using Keel.Data.Add;
using Keel.Data.Repository;

namespace Keel.Benchmarks;

/// <summary>
/// <c>keel data add</c> (chunking, SHA-256 of every chunk, storing chunks and the manifest in the cache) over many
/// files against <c>sha256sum</c> over the same files, alternating in the same run, both from the page cache.
/// </summary>
internal sealed class DataAddBenchmark : IBenchmark
{
    private const double Target = 1.5;

    public string Name => "data-add";

    public string Summary => "keel data add of many files (empty cache) vs sha256sum over the same files";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("size-mb", 2048, 16, 65_536, "total data size in MiB"),
        new("files", 1000, 1, 1_000_000, "number of files it is spread over"),
        new("rounds", 3, 1, 100, "timed rounds per side, alternating"),
    ];

    public Task RunAsync(BenchmarkArgs args)
    {
        var total = (long)args["size-mb"] << 20;
        var files = args["files"];
        var scratch = BenchFiles.CreateScratch("data-add");
        try
        {
            Console.WriteLine($"data-add: {Report.Count(total >> 20)} MiB of seeded random bytes in {Report.Count(files)} files, {args["rounds"]} rounds, {Environment.ProcessorCount} cores");
            Console.WriteLine("keel: DataAdder in this process (default 1 MiB average chunks, all cores), cache emptied before each round, no stat cache");
            Console.WriteLine("reference: sha256sum (GNU coreutils) over the same files, one process; both read from the page cache (warmed first)");
            var data = Path.Combine(scratch, "data");
            Directory.CreateDirectory(data);
            var paths = new List<string>();
            for (var i = 0; i < files; i++)
            {
                var path = Path.Combine(data, $"part-{i:D6}.bin");
                BenchFiles.WriteRandom(path, total / files + (i < total % files ? 1 : 0), seed: i);
                paths.Add(path);
            }
            Directory.CreateDirectory(Path.Combine(scratch, DataRepository.KeelFolder));

            BenchFiles.Run(scratch, "sha256sum", paths); // warms the page cache
            AddOnce(scratch); // warms the JIT

            var rows = new List<IReadOnlyList<string>>();
            var ratios = new List<double>();
            for (var round = 0; round < args["rounds"]; round++)
            {
                TimeSpan keel, reference;
                if (round % 2 == 0)
                {
                    reference = BenchFiles.Run(scratch, "sha256sum", paths);
                    keel = AddOnce(scratch);
                }
                else
                {
                    keel = AddOnce(scratch);
                    reference = BenchFiles.Run(scratch, "sha256sum", paths);
                }
                var ratio = reference.TotalSeconds / keel.TotalSeconds;
                ratios.Add(ratio);
                rows.Add([(round + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    BenchFiles.MegabytesPerSecond(total, reference), BenchFiles.MegabytesPerSecond(total, keel), Report.Ratio(ratio)]);
            }
            Console.WriteLine();
            Report.Table(["round", "sha256sum", "keel data add", "keel ÷ sha256sum"], rows);
            var median = ratios.Order().ElementAt(ratios.Count / 2);
            Console.WriteLine($"median ratio {Report.Ratio(median)} (target ≥ {Target:0.0}): {Report.Verdict(median >= Target)}");
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
        return Task.CompletedTask;
    }

    private static TimeSpan AddOnce(string root)
    {
        BenchFiles.DeleteQuietly(Path.Combine(root, DataRepository.KeelFolder, "cache"));
        var started = Stopwatch.GetTimestamp();
        var result = new DataAdder(DataRepository.Open(root)).Add(["data"], root);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (result[0].BytesReused != 0)
        {
            throw new InvalidOperationException("the stat cache was used; the benchmark measures a first add");
        }
        return elapsed;
    }
}
