using System.Diagnostics;
using System.Globalization;
using Keel.Client;
using Keel.Data.Add;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Testing;

namespace Keel.Benchmarks;

/// <summary>
/// <c>keel data push</c> and <c>pull</c> of one large file with presigned URLs (chunks straight between the cache and
/// the S3-compatible server) against the same transfer through the server's data object endpoints
/// (<see cref="DataTransfer.Direct"/> off, as <c>--through-server</c>), in the same run: each measurement gets a real
/// Keel server on SQLite whose data objects are a fresh prefix of the S3 server named by <c>KEEL_TEST_S3_ENDPOINT</c>.
/// </summary>
internal sealed class S3DataBenchmark : IBenchmark
{
    private const double TargetRatio = 1.0;

    public string Name => "s3-data";

    public string Summary => "keel data push/pull of a large file with presigned URLs vs through the server, on an S3 data object store (KEEL_TEST_S3_ENDPOINT)";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("size-mb", 512, 1, 65_536, "size of the file in MiB"),
        new("rounds", 2, 1, 20, "rounds; each pushes and pulls both ways, alternating which goes first"),
        new("jobs", DataTransfer.DefaultJobs, 1, 64, "objects moved at once"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var size = (long)args["size-mb"] << 20;
        var scratch = BenchFiles.CreateScratch("s3-data");
        try
        {
            Console.WriteLine($"s3-data: one file of {Report.Count(args["size-mb"])} MiB of seeded random bytes (chunks of ~1 MiB, added before, not timed), {args["rounds"]} rounds, {args["jobs"]} objects at once");
            Console.WriteLine("direct: DataTransfer with presigned PUT/GET URLs (1,000 signed per request), chunks straight to and from S3");
            Console.WriteLine("reference: the same transfer with Direct = false (--through-server): PUT/GET /api/keel/v1/data/objects/{hash}, verified by the server");
            Console.WriteLine($"servers: a fresh Keel server on 127.0.0.1 (SQLite, data objects in a fresh prefix of s3://{Environment.GetEnvironmentVariable(S3TestBucket.BucketVariable)}) per measurement, S3 server {Environment.GetEnvironmentVariable(S3TestBucket.EndpointVariable) ?? "(KEEL_TEST_S3_ENDPOINT unset)"}");
            var root = Path.Combine(scratch, "repo");
            Directory.CreateDirectory(Path.Combine(root, DataRepository.KeelFolder));
            BenchFiles.WriteRandom(Path.Combine(root, "big.bin"), size, seed: 7);
            var repository = DataRepository.Discover(root);
            new DataAdder(repository).Add(["big.bin"], root);

            var rows = new List<IReadOnlyList<string>>();
            var pushRatios = new List<double>();
            var pullRatios = new List<double>();
            for (var round = 1; round <= args["rounds"]; round++)
            {
                var directFirst = round % 2 == 1;
                var first = await MeasureAsync(repository, scratch, direct: directFirst, args["jobs"]);
                var second = await MeasureAsync(repository, scratch, direct: !directFirst, args["jobs"]);
                var (direct, proxied) = directFirst ? (first, second) : (second, first);
                pushRatios.Add(proxied.Push / direct.Push);
                pullRatios.Add(proxied.Pull / direct.Pull);
                rows.Add([round.ToString(CultureInfo.InvariantCulture),
                    BenchFiles.MegabytesPerSecond(size, direct.Push), BenchFiles.MegabytesPerSecond(size, proxied.Push), Report.Ratio(proxied.Push / direct.Push),
                    BenchFiles.MegabytesPerSecond(size, direct.Pull), BenchFiles.MegabytesPerSecond(size, proxied.Pull), Report.Ratio(proxied.Pull / direct.Pull),
                    $"{Report.Count(direct.ObjectsDirect)} / {Report.Count(proxied.ObjectsDirect)}"]);
            }
            Console.WriteLine();
            Report.Table(["round", "push direct", "push through server", "direct ÷ server", "pull direct", "pull through server", "direct ÷ server", "objects direct: direct / server run"], rows);
            var push = Report.Median(pushRatios);
            var pull = Report.Median(pullRatios);
            Console.WriteLine();
            Console.WriteLine($"median speed-up of direct over through-the-server: push {Report.Ratio(push)}, pull {Report.Ratio(pull)} (target > {Report.Ratio(TargetRatio)} for both: the server no longer carries the bytes)");
            Console.WriteLine($"result: {Report.Verdict(push > TargetRatio && pull > TargetRatio)}");
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
    }

    /// <summary>A first push of the file to a fresh server, then a pull into an empty clone's cache, both timed.</summary>
    private static async Task<(TimeSpan Push, TimeSpan Pull, int ObjectsDirect)> MeasureAsync(DataRepository repository, string scratch, bool direct, int jobs)
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = new KeelClient(new KeelClientOptions { TrackingUri = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) });
        var items = repository.FindTracked([], repository.Root);
        var started = Stopwatch.GetTimestamp();
        var pushed = await new DataTransfer(client, repository.Cache) { Jobs = jobs, Direct = direct }.PushAsync(items);
        var push = Stopwatch.GetElapsedTime(started);
        if (pushed.ObjectsSkipped != 0)
        {
            throw new InvalidOperationException("the fresh server already held some of the objects; the benchmark measures a first push");
        }

        var clone = Path.Combine(scratch, $"clone-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(clone, DataRepository.KeelFolder));
        File.Copy(items[0].PointerPath, Path.Combine(clone, Path.GetFileName(items[0].PointerPath)));
        var cloned = DataRepository.Discover(clone);
        started = Stopwatch.GetTimestamp();
        var pulled = await new DataTransfer(client, cloned.Cache) { Jobs = jobs, Direct = direct }.PullAsync(cloned.FindTracked([], clone));
        var pull = Stopwatch.GetElapsedTime(started);
        BenchFiles.DeleteQuietly(clone);
        return (push, pull, pushed.ObjectsDirect + pulled.ObjectsDirect);
    }
}
