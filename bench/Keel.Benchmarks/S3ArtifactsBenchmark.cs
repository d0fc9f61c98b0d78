using System.Diagnostics;
using Keel.Client;
using Keel.Testing;

namespace Keel.Benchmarks;

/// <summary>
/// A large artifact uploaded and downloaded through presigned URLs (MLflow's multipart upload, presigned GET: the
/// bytes go straight between the client and the S3-compatible server) against the same file through the tracking
/// server's artifact proxy (every byte passes through the server), in the same run, against the same servers:
/// a real Keel server on SQLite with its artifacts in the S3 server named by <c>KEEL_TEST_S3_ENDPOINT</c>.
/// </summary>
internal sealed class S3ArtifactsBenchmark : IBenchmark
{
    private const double TargetRatio = 1.0;

    public string Name => "s3-artifacts";

    public string Summary => "a large artifact through presigned URLs vs through the artifact proxy, on an S3 artifact store (KEEL_TEST_S3_ENDPOINT)";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("size-mb", 1024, 1, 65_536, "size of the artifact in MiB"),
        new("rounds", 2, 1, 20, "rounds; each uploads and downloads the file both ways, alternating which goes first"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var size = (long)args["size-mb"] << 20;
        var rounds = args["rounds"];
        var scratch = BenchFiles.CreateScratch("s3-artifacts");
        try
        {
            Console.WriteLine($"s3-artifacts: one file of {Report.Count(args["size-mb"])} MiB of seeded random bytes, {rounds} rounds");
            Console.WriteLine("presigned: KeelClient with the default DirectTransferThreshold (64 MiB): multipart upload of 16 MiB parts, 4 in flight, presigned GET");
            Console.WriteLine("reference: the same client with DirectTransferThreshold = max: the MLflow artifact proxy (PUT/GET through the server)");
            Console.WriteLine($"servers: Keel on 127.0.0.1 (SQLite + artifacts in s3://{Environment.GetEnvironmentVariable(S3TestBucket.BucketVariable)}/…), S3 server {Environment.GetEnvironmentVariable(S3TestBucket.EndpointVariable) ?? "(KEEL_TEST_S3_ENDPOINT unset)"}");
            var file = Path.Combine(scratch, "model.bin");
            BenchFiles.WriteRandom(file, size, seed: 42);

            await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
            using var direct = new KeelClient(new KeelClientOptions { TrackingUri = server.BaseAddress, Timeout = TimeSpan.FromHours(1) });
            using var proxied = new KeelClient(new KeelClientOptions
            {
                TrackingUri = server.BaseAddress,
                Timeout = TimeSpan.FromHours(1),
                DirectTransferThreshold = long.MaxValue,
            });
            var experimentId = await direct.GetOrCreateExperimentAsync("s3-artifacts-bench");
            var run = await direct.StartRunAsync(experimentId, "s3-artifacts");
            var runId = run.RunId;
            await run.DisposeAsync();

            var rows = new List<IReadOnlyList<string>>();
            var uploadRatios = new List<double>();
            var downloadRatios = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var directFirst = round % 2 == 1;
                var (directUp, proxyUp) = await PairAsync(directFirst,
                    () => direct.UploadArtifactAsync(runId, file, $"direct-{round}"),
                    () => proxied.UploadArtifactAsync(runId, file, $"proxy-{round}"));
                var (directDown, proxyDown) = await PairAsync(directFirst,
                    () => direct.DownloadArtifactsAsync(runId, $"direct-{round}/model.bin", Path.Combine(scratch, $"down-direct-{round}")),
                    () => proxied.DownloadArtifactsAsync(runId, $"proxy-{round}/model.bin", Path.Combine(scratch, $"down-proxy-{round}")));
                Verify(file, Path.Combine(scratch, $"down-direct-{round}", $"direct-{round}", "model.bin"));
                Verify(file, Path.Combine(scratch, $"down-proxy-{round}", $"proxy-{round}", "model.bin"));
                uploadRatios.Add(proxyUp / directUp);
                downloadRatios.Add(proxyDown / directDown);
                rows.Add([round.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    BenchFiles.MegabytesPerSecond(size, directUp), BenchFiles.MegabytesPerSecond(size, proxyUp), Report.Ratio(proxyUp / directUp),
                    BenchFiles.MegabytesPerSecond(size, directDown), BenchFiles.MegabytesPerSecond(size, proxyDown), Report.Ratio(proxyDown / directDown)]);
                BenchFiles.DeleteQuietly(Path.Combine(scratch, $"down-direct-{round}"));
                BenchFiles.DeleteQuietly(Path.Combine(scratch, $"down-proxy-{round}"));
            }

            var proxyRequests = server.Requests.Count(r => r.Contains("/mlflow-artifacts/artifacts/", StringComparison.Ordinal) && !r.StartsWith("GET /api/2.0/mlflow-artifacts/artifacts?", StringComparison.Ordinal));
            Console.WriteLine();
            Report.Table(["round", "upload presigned", "upload proxy", "presigned ÷ proxy", "download presigned", "download proxy", "presigned ÷ proxy"], rows);
            var upload = Report.Median(uploadRatios);
            var download = Report.Median(downloadRatios);
            Console.WriteLine();
            Console.WriteLine($"median speed-up of presigned over the proxy: upload {Report.Ratio(upload)} (target > {Report.Ratio(TargetRatio)}: the server no longer carries the bytes); download {Report.Ratio(download)} (informational: over loopback the proxy's extra hop costs little)");
            Console.WriteLine($"requests through the server's artifact proxy during the run: {Report.Count(proxyRequests)} (the proxied transfers; presigned bytes never reach it)");
            Console.WriteLine($"result: {Report.Verdict(upload > TargetRatio)}");
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
    }

    /// <summary>Times both transfers, in the given order.</summary>
    private static async Task<(TimeSpan Direct, TimeSpan Proxy)> PairAsync(bool directFirst, Func<Task> direct, Func<Task> proxy)
    {
        if (directFirst)
        {
            var d = await TimeAsync(direct);
            return (d, await TimeAsync(proxy));
        }

        var p = await TimeAsync(proxy);
        return (await TimeAsync(direct), p);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> transfer)
    {
        var watch = Stopwatch.StartNew();
        await transfer();
        return watch.Elapsed;
    }

    private static void Verify(string expected, string actual)
    {
        if (new FileInfo(expected).Length != new FileInfo(actual).Length)
        {
            throw new InvalidOperationException($"the downloaded {actual} differs in size from the upload");
        }
    }
}
