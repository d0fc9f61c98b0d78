using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Artifacts;

public sealed class ArtifactProxyTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";

    private readonly KeelTestServer _server = fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique() => $"t{Guid.NewGuid():N}";

    [Fact]
    public async Task Upload_ThenDownload_RoundTripsBytesExactly()
    {
        var dir = Unique();
        var bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(bytes);

        var (status, body) = await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/model/weights.bin", new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body);

        using var response = await RawAsync(HttpMethod.Get, $"{Proxy}/{dir}/model/weights.bin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("weights.bin", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }

    [Fact]
    public async Task Upload_LargerThanKestrelDefaultBodyLimit_Succeeds()
    {
        var dir = Unique();
        var bytes = new byte[40 * 1024 * 1024];
        new Random(7).NextBytes(bytes);

        var (status, _) = await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/big.bin", new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.OK, status);

        var stored = Path.Combine(_server.DataDirectory, "artifacts", dir, "big.bin");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(stored, Ct));
    }

    [Fact]
    public async Task Upload_ExistingFile_Overwrites()
    {
        var path = $"{Proxy}/{Unique()}/notes.txt";
        await SendAsync(HttpMethod.Put, path, new StringContent("first version, longer"));
        await SendAsync(HttpMethod.Put, path, new StringContent("second"));

        using var response = await RawAsync(HttpMethod.Get, path);
        Assert.Equal("second", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("MLmodel", "text/plain")]
    [InlineData("conda.yaml", "text/plain")]
    [InlineData("metrics.json", "text/plain")]
    [InlineData("plot.png", "image/png")]
    [InlineData("page.html", "text/html")]
    [InlineData("model.onnx", "application/octet-stream")]
    public async Task Download_ContentType_IsGuessedAsMlflowDoes(string name, string expected)
    {
        var path = $"{Proxy}/{Unique()}/{name}";
        await SendAsync(HttpMethod.Put, path, new StringContent("x"));

        using var response = await RawAsync(HttpMethod.Get, path);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Download_MissingFile_Returns404ResourceDoesNotExist()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{Proxy}/{Unique()}/missing.txt");

        AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", status, body);
    }

    [Fact]
    public async Task List_Directory_GivesNamesRelativeToIt()
    {
        var dir = Unique();
        await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/model/MLmodel", new StringContent("flavors: {}"));
        await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/model/data/w.bin", new ByteArrayContent([1, 2, 3]));
        await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/metrics.txt", new StringContent("0.9"));

        var top = await ListAsync($"{Proxy}?path={dir}");
        Assert.Equal("""[{"path":"metrics.txt","is_dir":false,"file_size":3},{"path":"model","is_dir":true}]""", top);

        var sub = await ListAsync($"{Proxy}?path={dir}/model");
        Assert.Equal("""[{"path":"MLmodel","is_dir":false,"file_size":11},{"path":"data","is_dir":true}]""", sub);
    }

    [Fact]
    public async Task List_Root_IncludesTopLevelDirectories()
    {
        var dir = Unique();
        await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/a.txt", new StringContent("a"));

        var (status, body) = await SendAsync(HttpMethod.Get, Proxy);

        Assert.Equal(HttpStatusCode.OK, status);
        var files = JsonNode.Parse(body)!["files"]!.AsArray();
        Assert.Contains(files, f => (string)f!["path"]! == dir && (bool)f["is_dir"]!);
    }

    [Fact]
    public async Task List_MissingDirectory_ReturnsEmptyObject()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"{Proxy}?path={Unique()}/nothing");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body);
    }

    [Fact]
    public async Task Delete_File_RemovesItAndLaterDownloadIs404()
    {
        var dir = Unique();
        await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/a.txt", new StringContent("a"));
        await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/b.txt", new StringContent("b"));

        var (status, body) = await SendAsync(HttpMethod.Delete, $"{Proxy}/{dir}/a.txt");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body);

        var (getStatus, _) = await SendAsync(HttpMethod.Get, $"{Proxy}/{dir}/a.txt");
        Assert.Equal(HttpStatusCode.NotFound, getStatus);
        Assert.Equal("""[{"path":"b.txt","is_dir":false,"file_size":1}]""", await ListAsync($"{Proxy}?path={dir}"));
    }

    [Fact]
    public async Task Delete_Directory_RemovesWholeTree()
    {
        var dir = Unique();
        await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/run/model/MLmodel", new StringContent("x"));
        await SendAsync(HttpMethod.Put, $"{Proxy}/{dir}/run/model/data/w.bin", new StringContent("x"));

        var (status, _) = await SendAsync(HttpMethod.Delete, $"{Proxy}/{dir}/run");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[]", await ListAsync($"{Proxy}?path={dir}"));
    }

    [Fact]
    public async Task AjaxPrefix_ServesTheSameProxy()
    {
        var dir = Unique();
        await SendAsync(HttpMethod.Put, $"/ajax-api/2.0/mlflow-artifacts/artifacts/{dir}/x.txt", new StringContent("ajax"));

        using var response = await RawAsync(HttpMethod.Get, $"{Proxy}/{dir}/x.txt");
        Assert.Equal("ajax", await response.Content.ReadAsStringAsync(Ct));
    }

    // ---- path escapes: every one is INVALID_PARAMETER_VALUE, and nothing is read or written outside ----

    [Theory]
    [InlineData("GET", "../../../../../../etc/passwd")]
    [InlineData("GET", "a/../../b")]
    [InlineData("GET", "a/../b")]
    [InlineData("PUT", "../outside.txt")]
    [InlineData("DELETE", "../artifacts")]
    public async Task Proxy_DotDotSegments_Returns400(string method, string path) =>
        await AssertRejectedAsync(method, $"{Proxy}/{path}");

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("C:/Windows/win.ini")]
    public async Task Proxy_AbsolutePath_Returns400(string path) =>
        await AssertRejectedAsync("GET", $"{Proxy}/{path}");

    [Theory]
    [InlineData("%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("%2E%2E/%2E%2E/keel.db")]
    [InlineData("a/%2e%2e/%2e%2e/%2e%2e/keel.db")]
    [InlineData(".%2e/keel.db")]
    public async Task Proxy_PercentEncodedDotDot_Returns400(string path) =>
        await AssertRejectedAsync("GET", $"{Proxy}/{path}");

    [Theory]
    [InlineData("%252e%252e/%252e%252e/keel.db")]
    [InlineData("%252E%252E%252Fkeel.db")]
    public async Task Proxy_DoubleEncodedDotDot_Returns400(string path) =>
        await AssertRejectedAsync("GET", $"{Proxy}/{path}");

    [Theory]
    [InlineData("GET", "..%5c..%5ckeel.db")]
    [InlineData("PUT", "a%5Cb.txt")]
    public async Task Proxy_EncodedBackslash_Returns400(string method, string path) =>
        await AssertRejectedAsync(method, $"{Proxy}/{path}");

    [Theory]
    [InlineData("a%23b.txt")]
    [InlineData("%23/../keel.db")]
    public async Task Proxy_EncodedFragment_Returns400(string path) =>
        await AssertRejectedAsync("GET", $"{Proxy}/{path}");

    [Fact]
    public async Task Proxy_EncodedQueryMarkInPath_Returns400() =>
        await AssertRejectedAsync("PUT", $"{Proxy}/a%3Fb.txt");

    [Fact]
    public async Task Proxy_DotSegmentsInPrefix_Returns400() =>
        await AssertRejectedAsync("GET", "/api/2.0/x/../mlflow-artifacts/artifacts/a.txt");

    [Theory]
    [InlineData("a%3Fb")]
    [InlineData("a?b")]
    [InlineData("..")]
    [InlineData("a/../..")]
    [InlineData("%2e%2e")]
    [InlineData("%252e%252e")]
    [InlineData("/etc")]
    [InlineData("a%5Cb")]
    [InlineData("a%23b")]
    public async Task List_UnsafePathParameter_Returns400(string path) =>
        await AssertRejectedAsync("GET", $"{Proxy}?path={path}");

    [Fact]
    public async Task Proxy_SymlinkInArtifactsFolderPointingOutside_Returns400()
    {
        var outside = Path.Combine(_server.DataDirectory, "outside-" + Unique());
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "secret", Ct);
        var link = Unique();
        Directory.CreateDirectory(Path.Combine(_server.DataDirectory, "artifacts"));
        Directory.CreateSymbolicLink(Path.Combine(_server.DataDirectory, "artifacts", link), outside);

        await AssertRejectedAsync("GET", $"{Proxy}/{link}/secret.txt");
        await AssertRejectedAsync("PUT", $"{Proxy}/{link}/planted.txt");
        await AssertRejectedAsync("DELETE", $"{Proxy}/{link}/secret.txt");
        await AssertRejectedAsync("GET", $"{Proxy}?path={link}");

        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(outside, "secret.txt"), Ct));
        Assert.False(File.Exists(Path.Combine(outside, "planted.txt")));
    }

    private async Task AssertRejectedAsync(string method, string pathAndQuery)
    {
        var content = method == "PUT" ? new StringContent("payload") : null;
        var (status, body) = await SendAsync(new HttpMethod(method), pathAndQuery, content);
        AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", status, body);
        Assert.False(File.Exists(Path.Combine(_server.DataDirectory, "outside.txt")));
    }

    private static void AssertError(HttpStatusCode expectedStatus, string expectedCode, HttpStatusCode status, string body)
    {
        Assert.True(expectedStatus == status, $"Expected {(int)expectedStatus}, got {(int)status}: {body}");
        var json = JsonNode.Parse(body)!;
        Assert.Equal(expectedCode, (string)json["error_code"]!);
        Assert.False(string.IsNullOrWhiteSpace((string)json["message"]!));
    }

    private async Task<string> ListAsync(string pathAndQuery)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, pathAndQuery);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["files"]?.ToJsonString() ?? "[]";
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null)
    {
        using var response = await RawAsync(method, pathAndQuery, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    // Sends the path exactly as written: Uri would otherwise resolve '..' and unescape '%2e' before sending.
    private async Task<HttpResponseMessage> RawAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null)
    {
        var uri = new Uri(
            _server.BaseAddress.GetLeftPart(UriPartial.Authority) + pathAndQuery,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        if (content is not null && content.Headers.ContentType is null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }
        return await _server.Client.SendAsync(request, Ct);
    }
}
