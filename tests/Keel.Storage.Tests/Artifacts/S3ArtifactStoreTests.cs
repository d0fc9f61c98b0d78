using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Storage.S3;
using Keel.Testing;

namespace Keel.Storage.Tests.Artifacts;

/// <summary>
/// The artifact store contract on the S3-compatible test server (a fresh prefix of the test bucket per
/// instance), plus what only S3 has: multipart uploads, presigned URLs and an unreachable endpoint.
/// </summary>
public sealed class S3ArtifactStoreTests : ArtifactStoreContract
{
    private const int SmallPart = 64 * 1024;

    private readonly S3TestBucket _bucket = new("keel-artifacts");

    protected override Task<IArtifactStore> OpenFreshAsync() => Task.FromResult<IArtifactStore>(_bucket.OpenStore());

    public override ValueTask DisposeAsync() => _bucket.DisposeAsync();

    [Fact]
    public async Task PutAsync_LargerThanOnePart_UploadsMultipartByteExact()
    {
        var store = _bucket.OpenStore(o => o with { PartSize = SmallPart });
        const long size = 3L * SmallPart + 123;

        await store.PutAsync(P("model/weights.bin"), new GeneratedStream(size, seed: 3), Ct);

        await using var stream = await store.OpenReadAsync(P("model/weights.bin"), Ct);
        Assert.Equal(await SHA256.HashDataAsync(new GeneratedStream(size, seed: 3), Ct), await SHA256.HashDataAsync(stream, Ct));
        Assert.Equal([new ArtifactEntry(P("model/weights.bin"), false, size)], await store.ListAsync(P("model"), Ct));
    }

    [Fact]
    public async Task PutAsync_ExactlyOnePart_RoundTrips()
    {
        var store = _bucket.OpenStore(o => o with { PartSize = SmallPart });

        await store.PutAsync(P("one.bin"), new GeneratedStream(SmallPart, seed: 5), Ct);

        Assert.Equal([new ArtifactEntry(P("one.bin"), false, SmallPart)], await store.ListAsync(ArtifactPath.Root, Ct));
    }

    [Fact]
    public async Task PutAsync_SourceFailsAfterSomeParts_KeepsOldObject()
    {
        var store = _bucket.OpenStore(o => o with { PartSize = SmallPart });
        await PutTextAsync("data.csv", "old");

        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(P("data.csv"), new FailingStream(2L * SmallPart + 10), Ct));

        Assert.Equal("old", await ReadTextAsync("data.csv"));
        Assert.Equal([new ArtifactEntry(P("data.csv"), false, 3)], await store.ListAsync(ArtifactPath.Root, Ct));
    }

    [Fact]
    public async Task ListAsync_MultipartUploadInProgress_IsHidden()
    {
        await PutTextAsync("done.txt", "x");
        using var client = RawClient();
        await client.InitiateMultipartUploadAsync(_bucket.Location.Bucket, $"{_bucket.Location.Prefix}/pending.bin", Ct);

        Assert.Equal([new ArtifactEntry(P("done.txt"), false, 1)], await Store.ListAsync(ArtifactPath.Root, Ct));
    }

    [Fact]
    public async Task ListAsync_KeysNoArtifactPathCanSpell_AreSkipped()
    {
        await PutTextAsync("ok.txt", "x");
        using var client = RawClient();
        foreach (var key in new[] { "dir/", "back\\slash" })
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket.Location.Bucket,
                Key = $"{_bucket.Location.Prefix}/{key}",
                ContentBody = "x",
                UseChunkEncoding = false,
            }, Ct);
        }

        var names = (await Store.ListAsync(ArtifactPath.Root, Ct)).Select(e => e.Path.Value);

        // A folder marker ("dir/", as S3 consoles create) shows its folder; the marker itself has no name to list.
        Assert.Equal(["dir", "ok.txt"], names);
        Assert.Empty(await Store.ListAsync(P("dir"), Ct));
    }

    [Fact]
    public async Task PutAsync_KeyLongerThanS3Allows_ThrowsInvalidParameter()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => PutTextAsync(new string('k', 1100), "x"));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task GetDownloadUrl_PlainHttpGet_ReturnsContent()
    {
        var store = _bucket.OpenStore();
        await PutTextAsync("run/model/MLmodel", "flavors: {}");

        var url = store.GetDownloadUrl(P("run/model/MLmodel"), TimeSpan.FromMinutes(5));

        using var http = new HttpClient();
        Assert.Equal(_bucket.Endpoint.Authority, url.Authority);
        Assert.Equal("flavors: {}", await http.GetStringAsync(url, Ct));
    }

    [Fact]
    public async Task GetUploadUrl_PlainHttpPut_StoresContent()
    {
        var store = _bucket.OpenStore();
        var url = store.GetUploadUrl(P("run/upload.bin"), TimeSpan.FromMinutes(5));

        using var http = new HttpClient();
        using var body = new ByteArrayContent(Encoding.UTF8.GetBytes("uploaded directly"));
        using var response = await http.PutAsync(url, body, Ct);

        response.EnsureSuccessStatusCode();
        Assert.Equal("uploaded directly", await ReadTextAsync("run/upload.bin"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8 * 24 * 60)]
    public void GetDownloadUrl_ExpiryOutOfRange_Throws(int minutes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _bucket.OpenStore().GetDownloadUrl(P("a.txt"), TimeSpan.FromMinutes(minutes)));

    [Fact]
    public async Task AnyOperation_UnreachableEndpoint_ThrowsUnavailableQuickly()
    {
        var closedPort = ClosedPort();
        using var store = new S3ArtifactStore(_bucket.Options() with
        {
            ServiceUrl = new Uri($"http://127.0.0.1:{closedPort}"),
            ConnectTimeout = TimeSpan.FromSeconds(2),
            MaxRetries = 1,
        });
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.OpenReadAsync(P("a.txt"), Ct));
        await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.ListAsync(ArtifactPath.Root, Ct));
        await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.PutAsync(P("a.txt"), new MemoryStream([1]), Ct));
        var e = await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.DeleteAsync(P("a.txt"), Ct));

        Assert.Contains($"127.0.0.1:{closedPort}", e.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task AnyOperation_MissingBucket_ThrowsUnavailableNamingIt()
    {
        using var store = new S3ArtifactStore(_bucket.Options(new S3Destination("keel-no-such-bucket", "p")));

        var e = await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.ListAsync(ArtifactPath.Root, Ct));

        Assert.Contains("bucket does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromDestination_S3Uri_OpensStoreOnThatPrefixWithDataObjectsBeside()
    {
        using var artifacts = Assert.IsType<S3ArtifactStore>(ArtifactStores.FromDestination(_bucket.Destination, "/unused", _bucket.Environment));
        using var data = Assert.IsType<S3ArtifactStore>(ArtifactStores.DataObjectsFor(_bucket.Destination, "/unused", _bucket.Environment));

        await artifacts.PutAsync(P("a.txt"), new MemoryStream([1]), Ct);
        await data.PutAsync(P("chunk"), new MemoryStream([2, 3]), Ct);

        Assert.Equal([new ArtifactEntry(P("a.txt"), false, 1)], await Store.ListAsync(ArtifactPath.Root, Ct));
        Assert.Equal([new ArtifactEntry(P("chunk"), false, 2)], await data.ListAsync(ArtifactPath.Root, Ct));
    }

    private AmazonS3Client RawClient() => new(
        new Amazon.Runtime.BasicAWSCredentials(
            Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")),
        new AmazonS3Config
        {
            ServiceURL = _bucket.Endpoint.AbsoluteUri,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
