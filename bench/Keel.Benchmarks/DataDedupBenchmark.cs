using System.Diagnostics;
using System.Globalization;
using System.Text;
using Keel.Data.Add;
using Keel.Data.Repository;

namespace Keel.Benchmarks;

/// <summary>
/// Storage for successive versions of a growing CSV table (each version appends rows and edits rows at random
/// places): Keel's chunk cache after adding every version — the bytes stored on disk (chunks compressed or
/// delta-encoded against the previous version's chunk) and, for transparency, the raw size of the distinct chunks
/// before encoding — against one version's size and against git-lfs (Debian's git-lfs, a file-level store) committing
/// the same versions in the same run. Also times reading the last version back out of the cache (decode and verify).
/// </summary>
internal sealed class DataDedupBenchmark : IBenchmark
{
    private const double Target = 1.2;

    public string Name => "data-dedup";

    public string Summary => "cache size of 10 versions of a growing, edited CSV vs one version and vs git-lfs";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("size-mb", 500, 1, 65_536, "size of the first version in MiB"),
        new("versions", 10, 2, 1000, "versions added (the first included)"),
        new("append-bp", 100, 0, 10_000, "rows appended per version, in basis points of the row count (100 = 1%)"),
        new("edit-bp", 10, 0, 10_000, "rows edited per version at seeded random places, in basis points (10 = 0.1%)"),
        new("avg-chunk-kb", 1024, 1, 65_536, "Keel's average chunk size in KiB"),
        new("clustered", 0, 0, 1, "1: the edited rows of a version are one contiguous block (late corrections to recent data) instead of scattered"),
    ];

    public Task RunAsync(BenchmarkArgs args)
    {
        var scratch = BenchFiles.CreateScratch("data-dedup");
        try
        {
            var lfs = BenchFiles.HasCommand("git", "lfs", "version");
            Console.WriteLine($"data-dedup: a CSV of ~{args["size-mb"]} MiB, {args["versions"]} versions, each appending {args["append-bp"] / 100.0:0.##}% rows and editing {args["edit-bp"] / 100.0:0.##}% of rows {(args["clustered"] == 1 ? "in one contiguous block at a seeded random place" : "at seeded random places")}");
            Console.WriteLine($"keel: DataAdder of each version into one cache ({args["avg-chunk-kb"]} KiB average chunks); stored = bytes of every file in .keel/cache/objects (chunks and manifests, as encoded); raw chunks = the same objects' decoded sizes");
            Console.WriteLine(lfs
                ? "reference: git-lfs (git lfs track '*.csv'; git add; git commit per version); size = .git/lfs/objects"
                : "reference: git-lfs is not installed (apt-get install git-lfs); only Keel's figure is printed");
            var table = new GrowingTable(args["size-mb"] * (1L << 20), seed: 7);
            var dataFolder = Path.Combine(scratch, "data");
            Directory.CreateDirectory(dataFolder);
            var csv = Path.Combine(dataFolder, "table.csv");
            if (lfs)
            {
                BenchFiles.Run(scratch, "git", ["init", "-q"]);
                BenchFiles.Run(scratch, "git", ["lfs", "install", "--local"]);
                BenchFiles.Run(scratch, "git", ["lfs", "track", "*.csv"]);
                BenchFiles.Run(scratch, "git", ["add", ".gitattributes"]);
            }
            else
            {
                Directory.CreateDirectory(Path.Combine(scratch, DataRepository.KeelFolder));
            }
            var options = new DataAddOptions { Chunker = Keel.Core.Data.Chunking.ChunkerOptions.ForAverage(args["avg-chunk-kb"] * 1024) };
            var repository = DataRepository.Discover(scratch);
            var rows = new List<IReadOnlyList<string>>();
            long lastSize = 0;
            TimeSpan keelTime = TimeSpan.Zero, lfsTime = TimeSpan.Zero;
            for (var version = 1; version <= args["versions"]; version++)
            {
                if (version > 1)
                {
                    table.Edit(args["edit-bp"], clustered: args["clustered"] == 1);
                    table.Append(args["append-bp"]);
                }
                lastSize = table.WriteTo(csv);
                var started = Stopwatch.GetTimestamp();
                new DataAdder(repository, options).Add([csv], scratch);
                keelTime += Stopwatch.GetElapsedTime(started);
                if (lfs)
                {
                    lfsTime += BenchFiles.Run(scratch, "git", ["add", "-f", "data/table.csv"]);
                    lfsTime += BenchFiles.Run(scratch, "git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", $"v{version}"]);
                }
                var keelBytes = BenchFiles.SizeOf(repository.Cache.ObjectsRoot);
                var rawBytes = RawBytes(repository);
                var lfsBytes = BenchFiles.SizeOf(Path.Combine(scratch, ".git", "lfs", "objects"));
                rows.Add([version.ToString(CultureInfo.InvariantCulture), Report.Count(table.Rows), Report.Count(lastSize >> 20) + " MiB",
                    Report.Count(keelBytes >> 20) + " MiB", Report.Ratio((double)keelBytes / lastSize),
                    Report.Count(rawBytes >> 20) + " MiB", Report.Ratio((double)rawBytes / lastSize),
                    lfs ? Report.Count(lfsBytes >> 20) + " MiB" : "–", lfs ? Report.Ratio((double)lfsBytes / lastSize) : "–"]);
            }
            Console.WriteLine();
            Report.Table(["version", "rows", "version size", "keel stored", "stored ÷ version", "keel raw chunks", "raw ÷ version", "git-lfs store", "git-lfs ÷ version"], rows);
            var keelRatio = (double)BenchFiles.SizeOf(repository.Cache.ObjectsRoot) / lastSize;
            Console.WriteLine($"time adding all versions: keel {keelTime.TotalSeconds:0.0} s" + (lfs ? $", git-lfs add+commit {lfsTime.TotalSeconds:0.0} s" : ""));
            var read = ReadBack(repository, csv);
            Console.WriteLine($"reading the last version back from the cache (decode + SHA-256 verify, one thread): {BenchFiles.MegabytesPerSecond(lastSize, read)}");
            Console.WriteLine($"keel stored ÷ one version {Report.Ratio(keelRatio)} (target ≤ {Target:0.0}): {Report.Verdict(keelRatio <= Target)}");
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
        return Task.CompletedTask;
    }

    // The decoded size of every object in the cache: what it would hold without compression or deltas.
    private static long RawBytes(DataRepository repository) =>
        repository.Cache.EnumerateHashes().Sum(h => repository.Cache.ReadHeader(h)?.DecodedLength ?? repository.Cache.SizeOf(h) ?? 0);

    private static TimeSpan ReadBack(DataRepository repository, string csv)
    {
        var pointer = repository.ReadPointer(csv + Keel.Core.Data.DataPointer.Extension);
        var manifest = Keel.Core.Data.Manifests.DataManifest.Parse(repository.Cache.ReadVerified(pointer.Spec.Manifest));
        var started = Stopwatch.GetTimestamp();
        long total = 0;
        foreach (var chunk in manifest.Files[0].Chunks)
        {
            total += repository.Cache.ReadVerified(chunk.Hash).Length;
        }
        return total == manifest.TotalSize ? Stopwatch.GetElapsedTime(started) : throw new InvalidOperationException("The last version did not read back whole.");
    }

    /// <summary>A table whose row i is a pure function of (i, how often row i was edited), so versions differ only where edited or appended.</summary>
    private sealed class GrowingTable
    {
        private readonly Random _random;
        private readonly List<byte> _edits = [];

        public GrowingTable(long approximateBytes, int seed)
        {
            _random = new Random(seed);
            // Rows average about 31 bytes ("1234567,42,56789.41,0.1234,C,1").
            var rows = (int)Math.Max(1, approximateBytes / 31);
            for (var i = 0; i < rows; i++)
            {
                _edits.Add(0);
            }
        }

        public long Rows => _edits.Count;

        public void Append(int basisPoints)
        {
            var count = (int)((long)_edits.Count * basisPoints / 10_000);
            for (var i = 0; i < count; i++)
            {
                _edits.Add(0);
            }
        }

        public void Edit(int basisPoints, bool clustered)
        {
            var count = (int)((long)_edits.Count * basisPoints / 10_000);
            var start = _random.Next(Math.Max(1, _edits.Count - count));
            for (var i = 0; i < count; i++)
            {
                var row = clustered ? start + i : _random.Next(_edits.Count);
                _edits[row] = (byte)(_edits[row] + 1);
            }
        }

        public long WriteTo(string path)
        {
            using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20))
            {
                writer.Write("id,age,income,score,segment,label\n");
                for (var i = 0; i < _edits.Count; i++)
                {
                    var h = Mix((ulong)i * 31 + _edits[i]);
                    writer.Write(string.Create(CultureInfo.InvariantCulture,
                        $"{i},{18 + (int)(h % 70)},{(h >> 8) % 200_000 / 1.7:0.00},{(h >> 24) % 10_000 / 10_000.0:0.0000},{(char)('A' + (int)((h >> 40) % 6))},{(h >> 50) & 1}\n"));
                }
            }
            return new FileInfo(path).Length;
        }

        private static ulong Mix(ulong x)
        {
            x += 0x9E3779B97F4A7C15;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
            return x ^ (x >> 31);
        }
    }
}
