using System.Net;
using System.Text;
using Keel.Storage;
using Keel.Testing;

namespace Keel.Server.Tests.Datasets;

/// <summary><c>/api/keel/v1/data/objects</c>: verified uploads, missing lookups and downloads, over a real server.</summary>
public sealed class DataObjectEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ObjectsFolder => Path.Combine(fixture.Server.DataDirectory, KeelStorage.DataObjectsFolderName);

    private static byte[] Unique() => Encoding.UTF8.GetBytes($"chunk {Guid.NewGuid():N}");

    [Fact]
    public async Task Put_ThenGet_ReturnsTheBytesStoredApartFromArtifacts()
    {
        var bytes = Unique();
        var hash = DatasetHttp.Hash(bytes);

        var (status, body) = await _client.PutObjectAsync(hash, bytes);
        var read = await _client.GetByteArrayAsync(DatasetHttp.Objects + "/" + hash, Ct);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body.ToJsonString());
        Assert.Equal(bytes, read);
        Assert.True(File.Exists(Path.Combine(ObjectsFolder, hash[..2], hash)));
    }

    [Fact]
    public async Task Put_BytesOfAnotherHash_Is400NamingBothHashesAndStoresNothing()
    {
        var bytes = Unique();
        var claimed = DatasetHttp.Hash(Unique());

        var (status, body) = await _client.PutObjectAsync(claimed, bytes);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body["error_code"]!.GetValue<string>());
        var message = body["message"]!.GetValue<string>();
        Assert.Contains(claimed, message, StringComparison.Ordinal);
        Assert.Contains(DatasetHttp.Hash(bytes), message, StringComparison.Ordinal);
        var folder = Path.Combine(ObjectsFolder, claimed[..2]);
        Assert.True(!Directory.Exists(folder) || !Directory.EnumerateFiles(folder).Any(f => Path.GetFileName(f) == claimed || Path.GetFileName(f).EndsWith(".tmp", StringComparison.Ordinal)));
        var (getStatus, _) = await _client.SendAsync(HttpMethod.Get, DatasetHttp.Objects + "/" + claimed);
        Assert.Equal(HttpStatusCode.NotFound, getStatus);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public async Task PutAndGet_MalformedHash_Is400NamingHash(string hash)
    {
        var (putStatus, put) = await _client.PutObjectAsync(hash, [1, 2, 3]);
        var (getStatus, get) = await _client.SendAsync(HttpMethod.Get, DatasetHttp.Objects + "/" + hash);

        Assert.Equal(HttpStatusCode.BadRequest, putStatus);
        Assert.Contains("'hash'", put["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, getStatus);
        Assert.Equal("INVALID_PARAMETER_VALUE", get["error_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_Unknown_Is404()
    {
        var (status, body) = await _client.SendAsync(HttpMethod.Get, DatasetHttp.Objects + "/" + DatasetHttp.Hash(Unique()));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body["error_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_Twice_AndConcurrently_AllSucceed()
    {
        var bytes = new byte[256 * 1024];
        Random.Shared.NextBytes(bytes);
        var hash = DatasetHttp.Hash(bytes);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _client.PutObjectAsync(hash, bytes)));
        var again = await _client.PutObjectAsync(hash, bytes);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(bytes, await _client.GetByteArrayAsync(DatasetHttp.Objects + "/" + hash, Ct));
        Assert.Single(Directory.GetFiles(Path.Combine(ObjectsFolder, hash[..2])), f => Path.GetFileName(f).StartsWith(hash, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_ReturnsOnlyAbsentHashesOnceInOrder()
    {
        var present = Unique();
        var presentHash = DatasetHttp.Hash(present);
        await _client.PutObjectAsync(presentHash, present);
        var absent1 = DatasetHttp.Hash(Unique());
        var absent2 = DatasetHttp.Hash(Unique());

        var body = await _client.OkAsync(HttpMethod.Post, DatasetHttp.Objects + "/missing", new { hashes = new[] { absent2, presentHash, absent1, absent2 } });

        Assert.Equal([absent2, absent1], body["missing"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    public static TheoryData<string, string> BadMissingBodies => new()
    {
        { "{}", "Missing value for required parameter 'hashes'" },
        { """{"hashes": ["00", "nope"]}""", "'hashes[0]'" },
        { """{"hashes": [null]}""", "'hashes[0]'" },
        { """{"hashes": "abc"}""", "'hashes': wrong type" },
        { "not json", "Malformed JSON" },
        { "{\"hashes\": [" + string.Join(",", Enumerable.Repeat("\"" + new string('a', 64) + "\"", 10_001)) + "]}", "at most 10000 hashes" },
    };

    [Theory]
    [MemberData(nameof(BadMissingBodies))]
    public async Task Missing_BadBody_Is400NamingTheFieldAndRule(string body, string expected)
    {
        var (status, json) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Objects + "/missing", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json["error_code"]!.GetValue<string>());
        Assert.Contains(expected, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
