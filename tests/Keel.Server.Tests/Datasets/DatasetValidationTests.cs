using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Datasets;

/// <summary>Every rule of the dataset registry over HTTP: 4xx naming the field and rule, and nothing stored.</summary>
public sealed class DatasetValidationTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static readonly string Unknown = new('0', 64);

    public static TheoryData<string, string> BadDatasets => new()
    {
        { "{}", "Missing value for required parameter 'name'" },
        { """{"name": "a/b"}""", "'name': dataset names must not be blank" },
        { """{"name": ".."}""", "'name': dataset names must not be blank" },
        { """{"name": "   "}""", "'name': dataset names must not be blank" },
        { "{\"name\": \"" + new string('n', 257) + "\"}", "'name' exceeds the maximum length of 256" },
        { """{"name": "ok", "tags": [{"key": "bad key!", "value": "v"}]}""", "Invalid tag name: 'bad key!'" },
        { """{"name": "ok", "tags": [{"key": "k", "value": "1"}, {"key": "k", "value": "2"}]}""", "'tags[1].key': each key may appear once" },
        { """{"name": 5}""", "'name': wrong type" },
        { "{", "Malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadDatasets))]
    public async Task CreateDataset_BadInput_Is400(string body, string expected)
    {
        var (status, json) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Datasets, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json["error_code"]!.GetValue<string>());
        Assert.Contains(expected, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadVersions => new()
    {
        { """{"size": 1, "file_count": 1, "kind": "file"}""", "Missing value for required parameter 'manifest_hash'" },
        { """{"manifest_hash": "abc", "size": 1, "file_count": 1, "kind": "file"}""", "'manifest_hash': expected a SHA-256 hash" },
        { $$"""{"manifest_hash": "{{Unknown}}", "file_count": 1, "kind": "file"}""", "Missing value for required parameter 'size'" },
        { $$"""{"manifest_hash": "{{Unknown}}", "size": -1, "file_count": 1, "kind": "file"}""", "'size': expected a number >= 0" },
        { $$"""{"manifest_hash": "{{Unknown}}", "size": 1, "file_count": 2, "kind": "file"}""", "'file_count': a file version holds exactly 1 file" },
        { $$"""{"manifest_hash": "{{Unknown}}", "size": 1, "file_count": 1, "kind": "folder"}""", "'kind': expected 'file' or 'directory'" },
        { $$"""{"manifest_hash": "{{Unknown}}", "size": 1, "file_count": 1, "kind": "file", "row_count": -3}""", "'row_count': expected a number >= 0" },
        { $$"""{"manifest_hash": "{{Unknown}}", "size": 1, "file_count": 1, "kind": "file", "schema": [{"name": "a"}]}""", "'schema[0].type'" },
        { $$"""{"manifest_hash": "{{Unknown}}", "size": 1, "file_count": 1, "kind": "file", "schema": [{"name": "a", "type": "integer"}, {"name": "a", "type": "double"}]}""", "'schema[1].name': column names must be unique" },
        { $$$"""{"manifest_hash": "{{{Unknown}}}", "size": 1, "file_count": 1, "kind": "file", "profile": {"row_count": "x"}}""", "'profile'" },
        { $$$"""{"manifest_hash": "{{{Unknown}}}", "size": 1, "file_count": 1, "kind": "file", "row_count": 5, "profile": {"row_count": 4, "columns": []}}""", "'row_count': the profile counts 4 rows" },
        { $$"""{"manifest_hash": "{{Unknown}}", "size": 1, "file_count": 1, "kind": "file"}""", "push the data first" },
        { $$"""{"manifest_hash": "{{Unknown}}", "size": "big", "file_count": 1, "kind": "file"}""", "'size': wrong type" },
    };

    [Theory]
    [MemberData(nameof(BadVersions))]
    public async Task CreateVersion_BadInput_Is400AndAddsNoVersion(string body, string expected)
    {
        var name = await _client.NewDatasetAsync();

        var (status, json) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/versions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json["error_code"]!.GetValue<string>());
        Assert.Contains(expected, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null((await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name)))["latest_version"]);
    }

    [Fact]
    public async Task CreateVersion_SizeDisagreeingWithTheManifest_Is400()
    {
        var name = await _client.NewDatasetAsync();
        var (manifest, size) = await _client.PushFileAsync();

        var (status, json) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/versions",
            new { manifest_hash = manifest, size = size + 1, file_count = 1, kind = "file" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"holds a file of 1 files and {size} bytes", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateVersion_ManifestHashNamingAChunk_Is400()
    {
        var name = await _client.NewDatasetAsync();
        var chunk = "not a manifest"u8.ToArray();
        await _client.PutObjectAsync(DatasetHttp.Hash(chunk), chunk);

        var (status, json) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/versions",
            new { manifest_hash = DatasetHttp.Hash(chunk), size = chunk.Length, file_count = 1, kind = "file" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not a data manifest", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateVersion_UnknownRunOrDataset_Is404()
    {
        var name = await _client.NewDatasetAsync();
        var (manifest, size) = await _client.PushFileAsync();

        var (runStatus, run) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/versions",
            new { manifest_hash = manifest, size, file_count = 1, kind = "file", run_id = "nope" });
        var (dsStatus, _) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Path("missing-" + Guid.NewGuid().ToString("N")) + "/versions",
            new { manifest_hash = manifest, size, file_count = 1, kind = "file" });

        Assert.Equal(HttpStatusCode.NotFound, runStatus);
        Assert.Contains("'run_id'", run["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, dsStatus);
        Assert.Null((await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name)))["latest_version"]);
    }

    [Theory]
    [InlineData("versions/0", HttpStatusCode.BadRequest, "'version': dataset versions are positive integers")]
    [InlineData("versions/one", HttpStatusCode.BadRequest, "'version'")]
    [InlineData("versions/7", HttpStatusCode.NotFound, "has no version 7")]
    [InlineData("versions?max_results=0", HttpStatusCode.BadRequest, "'max_results': expected 1 to 1000")]
    [InlineData("versions?max_results=x", HttpStatusCode.BadRequest, "'max_results': expected a whole number")]
    [InlineData("versions?page_token=garbage", HttpStatusCode.BadRequest, "Invalid page token")]
    public async Task Get_BadVersionOrPaging_IsAnErrorNamingIt(string route, HttpStatusCode expectedStatus, string expected)
    {
        var name = await _client.NewDatasetAsync();

        var (status, json) = await _client.SendAsync(HttpMethod.Get, DatasetHttp.Path(name) + "/" + route);

        Assert.Equal(expectedStatus, status);
        Assert.Contains(expected, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_BadKeyOrMissingKey_Is400AndStoresNothing()
    {
        var name = await _client.NewDatasetAsync();

        var (badStatus, bad) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/tags", new { key = "../x", value = "v" });
        var (missingStatus, missing) = await _client.SendAsync(HttpMethod.Delete, DatasetHttp.Path(name) + "/tags");

        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("'../x'", bad["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Contains("'key'", missing["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name)))["tags"]!.AsArray());
    }

    [Fact]
    public async Task ByManifest_BadHash_Is400()
    {
        var (status, json) = await _client.SendAsync(HttpMethod.Get, "api/keel/v1/dataset-versions?manifest_hash=xyz");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'manifest_hash'", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
