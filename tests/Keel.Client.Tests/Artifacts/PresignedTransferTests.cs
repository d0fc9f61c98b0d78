using Keel.Client.Tests.Support;
using Keel.Contracts.Mlflow;
using Keel.Testing;

namespace Keel.Client.Tests.Artifacts;

/// <summary>
/// Large artifact files bypass the server: against a real server whose artifacts live in a fresh prefix of the S3
/// test server, the SDK uploads them with MLflow's multipart flow straight to S3 and downloads them with a presigned
/// GET (the server's request log shows no proxy PUT or GET of the file); against the local store it falls back to
/// the proxy. The threshold is lowered so a few MiB count as large.
/// </summary>
public sealed class PresignedTransferTests : IDisposable
{
    private const int PartSize = 5 << 20;

    private readonly TempDirectory _temp = new("keel-client-presigned");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UploadArtifactAsync_LargeFileOnS3_GoesMultipartDirectAndDownloadsByteIdentical()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = Client(server);
        var runId = await NewRunIdAsync(client);
        var content = RandomBytes((2 * PartSize) + 4321, seed: 7);
        var file = Write("weights.bin", content);
        var progress = new RecordingProgress();

        await client.UploadArtifactAsync(runId, file, "model", progress, Ct);
        var destination = Path.Combine(_temp.Path, "down");
        await client.DownloadArtifactsAsync(runId, "model", destination, ct: Ct);

        Assert.Equal(content, File.ReadAllBytes(Path.Combine(destination, "model", "weights.bin")));
        Assert.Equal(content.Length, progress.Values[^1]);
        Assert.Single(server.Requests, r => r.StartsWith("POST /api/2.0/mlflow-artifacts/mpu/create/", StringComparison.Ordinal));
        Assert.Single(server.Requests, r => r.StartsWith("POST /api/2.0/mlflow-artifacts/mpu/complete/", StringComparison.Ordinal));
        Assert.Single(server.Requests, r => r.StartsWith("GET /api/keel/v1/artifacts/presign?", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Requests, r => r.Contains("/mlflow-artifacts/artifacts/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UploadArtifactsAsync_MixedSizesOnS3_SmallFilesUseTheProxyLargeOnesDirect()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = Client(server);
        var runId = await NewRunIdAsync(client);
        var source = Directory.CreateDirectory(Path.Combine(_temp.Path, "tree")).FullName;
        var large = RandomBytes(PartSize + 99, seed: 3);
        File.WriteAllBytes(Path.Combine(source, "large.bin"), large);
        File.WriteAllText(Path.Combine(source, "small.txt"), "tiny");

        await client.UploadArtifactsAsync(runId, source, ct: Ct);
        var destination = Path.Combine(_temp.Path, "tree-down");
        await client.DownloadArtifactsAsync(runId, "", destination, ct: Ct);

        Assert.Equal(large, File.ReadAllBytes(Path.Combine(destination, "large.bin")));
        Assert.Equal("tiny", File.ReadAllText(Path.Combine(destination, "small.txt")));
        Assert.Single(server.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.EndsWith("/small.txt", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.EndsWith("/large.bin", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("GET ", StringComparison.Ordinal) && r.EndsWith("/large.bin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UploadArtifactAsync_Cancelled_AbortsTheMultipartUpload()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = Client(server, parallel: 1);
        var runId = await NewRunIdAsync(client);
        var file = Write("cancelled.bin", RandomBytes(3 * PartSize, seed: 5));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // Cancelled once the first part is through: the upload has started and must be aborted.
        var progress = new CancelOnReport(cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.UploadArtifactAsync(runId, file, null, progress, cancel.Token));

        await Eventually.TrueAsync(() => server.Requests.Any(r => r.StartsWith("POST /api/2.0/mlflow-artifacts/mpu/abort/", StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Requests, r => r.Contains("/mpu/complete/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UploadArtifactAsync_LocalStore_FallsBackToTheProxyOnceAndRoundTrips()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: false);
        using var client = Client(server);
        var runId = await NewRunIdAsync(client);
        var first = RandomBytes(PartSize + 1, seed: 11);
        var second = RandomBytes(PartSize + 2, seed: 12);

        await client.UploadArtifactAsync(runId, Write("one.bin", first), ct: Ct);
        await client.UploadArtifactAsync(runId, Write("two.bin", second), ct: Ct);
        var destination = Path.Combine(_temp.Path, "local-down");
        await client.DownloadArtifactsAsync(runId, "two.bin", destination, ct: Ct);
        await client.DownloadArtifactsAsync(runId, "one.bin", destination, ct: Ct);

        Assert.Equal(first, File.ReadAllBytes(Path.Combine(destination, "one.bin")));
        Assert.Equal(second, File.ReadAllBytes(Path.Combine(destination, "two.bin")));
        // The 501s are learnt once per client, not paid again for every file.
        Assert.Single(server.Requests, r => r.Contains("/mpu/create", StringComparison.Ordinal));
        Assert.Single(server.Requests, r => r.Contains("/artifacts/presign?", StringComparison.Ordinal));
        Assert.Equal(2, server.Requests.Count(r => r.StartsWith("PUT /api/2.0/mlflow-artifacts/artifacts/", StringComparison.Ordinal)));
    }

    public void Dispose() => _temp.Dispose();

    private sealed class CancelOnReport(CancellationTokenSource cancel) : IProgress<long>
    {
        public void Report(long value) => cancel.Cancel();
    }

    // No retries: a 501 must fall back at once, and a failure here should show, not be retried away.
    private static KeelClient Client(RecordingArtifactServer server, int parallel = 2) =>
        new(new KeelClientOptions
        {
            TrackingUri = server.BaseAddress,
            DirectTransferThreshold = PartSize,
            MultipartPartSize = PartSize,
            MaxParallelParts = parallel,
            MaxRetries = 0,
        });

    private static async Task<string> NewRunIdAsync(KeelClient client)
    {
        var experimentId = await client.CreateExperimentAsync(Names.Unique("presigned"), ct: Ct);
        return (await client.CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId }, Ct)).Info.RunId;
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_temp.Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
