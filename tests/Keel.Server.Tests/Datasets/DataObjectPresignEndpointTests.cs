using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Datasets;

/// <summary>
/// <c>POST /api/keel/v1/data/objects/presign</c> over a real server whose data objects live in a fresh prefix of the S3
/// test server: the URLs move objects to and from S3 with plain HTTP, the server's request log shows their bytes never
/// passed through it, and bad input is refused by field; a local data object store answers 501.
/// </summary>
public sealed class DataObjectPresignEndpointTests
{
    private const string Presign = DatasetHttp.Objects + "/presign";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Unique() => Encoding.UTF8.GetBytes($"chunk {Guid.NewGuid():N}");

    [Fact]
    public async Task PutUrl_WritesTheObjectStraightToS3_AndGetUrlReadsItBack()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        var bytes = Unique();
        var hash = DatasetHttp.Hash(bytes);

        var put = await server.Client.OkAsync(HttpMethod.Post, Presign, new { method = "PUT", hashes = new[] { hash } });
        using var direct = new HttpClient();
        using (var response = await direct.PutAsync(UrlOf(put, hash), new ByteArrayContent(bytes), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var missing = await server.Client.OkAsync(HttpMethod.Post, DatasetHttp.Objects + "/missing", new { hashes = new[] { hash } });
        var get = await server.Client.OkAsync(HttpMethod.Post, Presign, new { method = "get", hashes = new[] { hash } });
        var read = await direct.GetByteArrayAsync(UrlOf(get, hash), Ct);
        var throughServer = await server.Client.GetByteArrayAsync(DatasetHttp.Objects + "/" + hash, Ct);

        Assert.Empty(missing["missing"]!.AsArray());
        Assert.Equal(bytes, read);
        Assert.Equal(bytes, throughServer);
        Assert.StartsWith(server.Bucket.Endpoint.GetLeftPart(UriPartial.Authority), UrlOf(put, hash).AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("PUT /api/keel/v1/data/objects/", StringComparison.Ordinal));
        Assert.True(put["expiration_timestamp"]!.GetValue<long>() > TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Presign_RepeatedHashes_OneUrlEachInTheOrderFirstGiven()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        var first = DatasetHttp.Hash(Unique());
        var second = DatasetHttp.Hash(Unique());

        var answer = await server.Client.OkAsync(HttpMethod.Post, Presign, new { method = "GET", hashes = new[] { second, first, second }, expires_in = 60 });

        var urls = answer["urls"]!.AsArray();
        Assert.Equal([second, first], urls.Select(u => u!["hash"]!.GetValue<string>()));
        Assert.All(urls, u => Assert.Contains(u!["hash"]!.GetValue<string>(), u["url"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetUrl_OfAnObjectNobodyStored_Answers404FromTheStore()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        var hash = DatasetHttp.Hash(Unique());

        var answer = await server.Client.OkAsync(HttpMethod.Post, Presign, new { method = "GET", hashes = new[] { hash } });
        using var direct = new HttpClient();
        using var response = await direct.GetAsync(UrlOf(answer, hash), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public static TheoryData<string, string> BadRequests() => new()
    {
        { """{"hashes": ["0000000000000000000000000000000000000000000000000000000000000000"]}""", "'method'" },
        { """{"method": "DELETE", "hashes": ["0000000000000000000000000000000000000000000000000000000000000000"]}""", "'method'" },
        { """{"method": "PUT"}""", "'hashes'" },
        { """{"method": "PUT", "hashes": []}""", "'hashes'" },
        { """{"method": "PUT", "hashes": ["0000000000000000000000000000000000000000000000000000000000000000", "not-a-hash"]}""", "'hashes[1]'" },
        { """{"method": "GET", "hashes": ["0000000000000000000000000000000000000000000000000000000000000000"], "expires_in": 0}""", "'expires_in'" },
        { """{"method": "GET", "hashes": ["0000000000000000000000000000000000000000000000000000000000000000"], "expires_in": 604801}""", "'expires_in'" },
        { """{"method": "GET", "hashes": "abc"}""", "hashes" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Presign_BadInput_Is400NamingTheField(string body, string field)
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);

        var (status, error) = await server.Client.SendAsync(HttpMethod.Post, Presign, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", error["error_code"]!.GetValue<string>());
        Assert.Contains(field, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presign_OverTheLimit_Is400SayingToBatch()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        var hashes = Enumerable.Range(0, 1_001).Select(i => DatasetHttp.Hash(BitConverter.GetBytes(i))).ToArray();

        var (status, error) = await server.Client.SendAsync(HttpMethod.Post, Presign, new { method = "PUT", hashes });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 1000", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presign_LocalDataObjectStore_Is501AndTheProxyStillWorks()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: false);
        var bytes = Unique();
        var hash = DatasetHttp.Hash(bytes);

        var (status, error) = await server.Client.SendAsync(HttpMethod.Post, Presign, new { method = "PUT", hashes = new[] { hash } });
        var (putStatus, _) = await server.Client.PutObjectAsync(hash, bytes);

        Assert.Equal(HttpStatusCode.NotImplemented, status);
        Assert.Equal("NOT_IMPLEMENTED", error["error_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, putStatus);
    }

    private static Uri UrlOf(JsonNode answer, string hash) =>
        new(answer["urls"]!.AsArray().Single(u => u!["hash"]!.GetValue<string>() == hash)!["url"]!.GetValue<string>());
}
