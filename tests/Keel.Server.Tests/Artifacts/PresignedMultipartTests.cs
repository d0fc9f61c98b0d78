using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Artifacts;

/// <summary>
/// MLflow's multipart upload on the artifact proxy against a real server whose artifacts live in a fresh prefix of
/// the S3 test server: create hands out presigned part URLs, the parts go straight to S3, complete joins them,
/// abort drops them, and bad input is refused as documented.
/// </summary>
public sealed class PresignedMultipartTests : IAsyncLifetime
{
    private const string Mpu = "/api/2.0/mlflow-artifacts/mpu";
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";
    private const int PartSize = 5 << 20;

    private readonly RecordingArtifactServer _server = new(s3: true);
    private readonly HttpClient _direct = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => _server.Client;

    public ValueTask InitializeAsync() => _server.StartAsync();

    [Fact]
    public async Task CreateAndComplete_PartsPutToPresignedUrls_FileReadsBackThroughProxy()
    {
        var content = RandomBytes(PartSize + 1234, seed: 1);

        var created = await PostAsync("create/0/run1/artifacts/model", """{"path":"/home/me/weights.bin","num_parts":2}""");
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var uploadId = created.Body["upload_id"]!.GetValue<string>();
        var credentials = created.Body["credentials"]!.AsArray();
        Assert.Equal([1L, 2L], credentials.Select(c => c!["part_number"]!.GetValue<long>()));
        Assert.All(credentials, c => Assert.StartsWith(_server.Bucket.Endpoint.AbsoluteUri, c!["url"]!.GetValue<string>(), StringComparison.Ordinal));

        var parts = new JsonArray();
        foreach (var (credential, index) in credentials.Select((c, i) => (c!, i)))
        {
            var slice = content.AsSpan(index * PartSize, Math.Min(PartSize, content.Length - (index * PartSize))).ToArray();
            var put = await _direct.PutAsync(credential["url"]!.GetValue<string>(), new ByteArrayContent(slice), Ct);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            parts.Add(new JsonObject { ["part_number"] = index + 1, ["etag"] = put.Headers.GetValues("ETag").Single() });
        }
        var completed = await PostAsync("complete/0/run1/artifacts/model",
            new JsonObject { ["path"] = "/home/me/weights.bin", ["upload_id"] = uploadId, ["parts"] = parts }.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, completed.Status);
        Assert.Equal("{}", completed.Body.ToJsonString());
        Assert.Equal(content, await Http.GetByteArrayAsync($"{Proxy}/0/run1/artifacts/model/weights.bin", Ct));
        Assert.DoesNotContain(_server.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Abort_AfterAPart_AnswersOkOrTheStoresLackAndTheFileNeverAppears()
    {
        var created = await PostAsync("create/0/run2/artifacts", """{"path":"big.bin","num_parts":1}""");
        var uploadId = created.Body["upload_id"]!.GetValue<string>();
        await _direct.PutAsync(created.Body["credentials"]![0]!["url"]!.GetValue<string>(), new ByteArrayContent([1, 2, 3]), Ct);

        var aborted = await PostAsync("abort/0/run2/artifacts", $$"""{"path":"big.bin","upload_id":"{{uploadId}}"}""");

        // S3 and MinIO abort ({}); s3rver, the test server, has no AbortMultipartUpload and the server says so.
        if (aborted.Status != HttpStatusCode.OK)
        {
            AssertError(aborted, HttpStatusCode.NotImplemented, "NOT_IMPLEMENTED");
            Assert.Contains("does not implement", aborted.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        var listed = await Http.GetStringAsync($"{Proxy}?path=0/run2/artifacts", Ct);
        Assert.DoesNotContain("big.bin", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complete_UnknownUploadId_FailsAndWritesNothing()
    {
        var completed = await PostAsync("complete/0/run3/artifacts",
            """{"path":"big.bin","upload_id":"no-such-upload","parts":[{"part_number":1,"etag":"\"abc\""}]}""");

        // S3 and MinIO answer NoSuchUpload, which is 404 RESOURCE_DOES_NOT_EXIST; s3rver fails with its own
        // InternalError, which is 503 like any store failure. Never a success.
        Assert.Contains(completed.Status, new[] { HttpStatusCode.NotFound, HttpStatusCode.ServiceUnavailable });
        var listed = await Http.GetStringAsync($"{Proxy}?path=0/run3/artifacts", Ct);
        Assert.DoesNotContain("big.bin", listed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"path":"big.bin","upload_id":"u"}""", "parts")]
    [InlineData("""{"path":"big.bin","upload_id":"u","parts":[]}""", "parts")]
    [InlineData("""{"upload_id":"u","parts":[{"part_number":1,"etag":"e"}]}""", "path")]
    [InlineData("""{"path":"big.bin","parts":[{"part_number":1,"etag":"e"}]}""", "upload_id")]
    [InlineData("""{"path":"big.bin","upload_id":"u","parts":[{"part_number":2,"etag":"e"},{"part_number":1,"etag":"e"}]}""", "part_number")]
    [InlineData("""{"path":"big.bin","upload_id":"u","parts":[{"part_number":1}]}""", "etag")]
    public async Task Complete_MissingOrBadFields_Answers400NamingTheField(string body, string field)
    {
        var completed = await PostAsync("complete/0/run4/artifacts", body);

        AssertError(completed, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains($"'{field}'", completed.Body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create/0/run5/%2e%2e/%2e%2e/outside", """{"path":"x.bin","num_parts":1}""")]
    [InlineData("create/0/run5/../../outside", """{"path":"x.bin","num_parts":1}""")]
    [InlineData("create/0/run5/artifacts", """{"path":"..","num_parts":1}""")]
    [InlineData("create/0/run5/artifacts", """{"path":"dir/","num_parts":1}""")]
    [InlineData("create/0/run5/artifacts", """{"path":"x.bin","num_parts":0}""")]
    [InlineData("create/0/run5/artifacts", """{"path":"x.bin","num_parts":10001}""")]
    public async Task Create_PathEscapingTheRootOrBadPartCount_Answers400(string route, string body)
    {
        var created = await PostRawAsync($"{Mpu}/{route}", body);

        AssertError(created, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Create_BodyPathWithDirectories_KeepsOnlyTheFileName()
    {
        var created = await PostAsync("create/0/run6/artifacts", """{"path":"C:\\data\\..\\model.onnx","num_parts":1}""");

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var url = created.Body["credentials"]![0]!["url"]!.GetValue<string>();
        Assert.Contains("/0/run6/artifacts/model.onnx?", url, StringComparison.Ordinal);
        await PostAsync("abort/0/run6/artifacts", $$"""{"path":"model.onnx","upload_id":"{{created.Body["upload_id"]}}"}""");
    }

    [Fact]
    public async Task Create_WhereADirectoryExists_Answers400()
    {
        await Http.PutAsync($"{Proxy}/0/run7/artifacts/model/MLmodel", new StringContent("flavors: {}"), Ct);

        var created = await PostAsync("create/0/run7/artifacts", """{"path":"model","num_parts":1}""");

        AssertError(created, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Presign_PutThenGet_MoveTheFileDirectly()
    {
        var put = await GetJsonAsync("/api/keel/v1/artifacts/presign?path=0/run8/artifacts/data.csv&method=PUT&expires_in=600");
        var sent = await _direct.PutAsync(put.Body["url"]!.GetValue<string>(), new StringContent("a,b\n1,2\n"), Ct);
        var get = await GetJsonAsync("/api/keel/v1/artifacts/presign?path=0/run8/artifacts/data.csv&method=GET");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("PUT", put.Body["method"]!.GetValue<string>());
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(put.Body["expiration_timestamp"]!.GetValue<long>());
        Assert.InRange(expires - TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal(8, get.Body["file_size"]!.GetValue<long>());
        Assert.Equal("a,b\n1,2\n", await _direct.GetStringAsync(get.Body["url"]!.GetValue<string>(), Ct));
        Assert.Equal("a,b\n1,2\n", await Http.GetStringAsync($"{Proxy}/0/run8/artifacts/data.csv", Ct));
    }

    [Theory]
    [InlineData("path=0/run9/artifacts/missing.bin&method=GET", HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST")]
    [InlineData("path=0/../../etc/passwd&method=GET", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    [InlineData("path=/etc/passwd&method=PUT", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    [InlineData("path=0/run9/a.bin&method=DELETE", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    [InlineData("path=0/run9/a.bin&method=GET&expires_in=604801", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    [InlineData("method=GET", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    public async Task Presign_BadInput_AnswersTheDocumentedError(string query, HttpStatusCode status, string code)
    {
        var answer = await GetJsonAsync($"/api/keel/v1/artifacts/presign?{query}");

        AssertError(answer, status, code);
    }

    public async ValueTask DisposeAsync()
    {
        _direct.Dispose();
        await _server.DisposeAsync();
    }

    internal static void AssertError((HttpStatusCode Status, JsonNode Body) answer, HttpStatusCode status, string code)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal(code, answer.Body["error_code"]!.GetValue<string>());
    }

    private Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string route, string body) => PostRawAsync($"{Mpu}/{route}", body);

    // The target is sent as written: HttpClient would otherwise resolve dot segments before the server sees them.
    private async Task<(HttpStatusCode Status, JsonNode Body)> PostRawAsync(string url, string body)
    {
        var uri = new Uri(Http.BaseAddress!.GetLeftPart(UriPartial.Authority) + url,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await Http.SendAsync(request, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetJsonAsync(string url)
    {
        using var response = await Http.GetAsync(url, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
