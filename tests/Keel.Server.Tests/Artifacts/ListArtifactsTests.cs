using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Artifacts;

public sealed class ListArtifactsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A run in the default experiment "0" with model/MLmodel, model/data/w.bin and metrics.txt under its root.
    private async Task<(string RunId, string ArtifactUri)> CreateRunWithArtifactsAsync()
    {
        var info = (await _client.OkAsync("runs/create", new { experiment_id = "0" }))["run"]!["info"]!;
        var runId = (string)info["run_id"]!;
        var artifactUri = (string)info["artifact_uri"]!;
        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts", artifactUri);

        // The client's own mapping: mlflow-artifacts:/X -> <tracking>/api/2.0/mlflow-artifacts/artifacts/X
        var root = "api/2.0/mlflow-artifacts/artifacts/" + artifactUri["mlflow-artifacts:/".Length..];
        await PutAsync($"{root}/model/MLmodel", "flavors: {}");
        await PutAsync($"{root}/model/data/w.bin", "123");
        await PutAsync($"{root}/metrics.txt", "0.9");
        return (runId, artifactUri);
    }

    private async Task PutAsync(string path, string content)
    {
        using var body = new StringContent(content);
        using var response = await _client.PutAsync(path, body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task List_RunRoot_GivesRootUriAndTopLevelEntries()
    {
        var (runId, artifactUri) = await CreateRunWithArtifactsAsync();

        var body = await _client.GetOkAsync($"artifacts/list?run_id={runId}");

        Assert.Equal(artifactUri, (string)body["root_uri"]!);
        Assert.Equal(
            """[{"path":"metrics.txt","is_dir":false,"file_size":3},{"path":"model","is_dir":true}]""",
            body["files"]!.ToJsonString());
        Assert.Null(body["next_page_token"]);
    }

    [Fact]
    public async Task List_Subdirectory_GivesPathsRelativeToRunRoot()
    {
        var (runId, _) = await CreateRunWithArtifactsAsync();

        var body = await _client.GetOkAsync($"artifacts/list?run_id={runId}&path=model");

        Assert.Equal(
            """[{"path":"model/MLmodel","is_dir":false,"file_size":11},{"path":"model/data","is_dir":true}]""",
            body["files"]!.ToJsonString());
    }

    [Fact]
    public async Task List_NestedSubdirectoryWithTrailingSlash_GivesRunRelativePaths()
    {
        var (runId, _) = await CreateRunWithArtifactsAsync();

        var body = await _client.GetOkAsync($"artifacts/list?run_id={runId}&path=model/data/");

        Assert.Equal("""[{"path":"model/data/w.bin","is_dir":false,"file_size":3}]""", body["files"]!.ToJsonString());
    }

    [Fact]
    public async Task List_LegacyRunUuidOnAjaxPrefix_ListsTheSame()
    {
        var (runId, artifactUri) = await CreateRunWithArtifactsAsync();

        using var response = await _client.GetAsync($"ajax-api/2.0/mlflow/artifacts/list?run_uuid={runId}&path=model", Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(artifactUri, (string)body["root_uri"]!);
        Assert.Equal(2, body["files"]!.AsArray().Count);
    }

    [Fact]
    public async Task List_RunWithoutArtifacts_GivesRootUriOnly()
    {
        var runId = await _client.CreateRunAsync("0");

        var body = await _client.GetOkAsync($"artifacts/list?run_id={runId}");

        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts", (string)body["root_uri"]!);
        Assert.Null(body["files"]);
    }

    [Fact]
    public async Task List_PathNamingAFile_IsEmpty()
    {
        var (runId, _) = await CreateRunWithArtifactsAsync();

        var body = await _client.GetOkAsync($"artifacts/list?run_id={runId}&path=metrics.txt");

        Assert.Null(body["files"]);
    }

    [Fact]
    public async Task List_UnknownRun_Returns404ResourceDoesNotExist()
    {
        var (status, body) = await _client.GetJsonAsync("artifacts/list?run_id=0123456789abcdef0123456789abcdef");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
        Assert.Equal("Run with id=0123456789abcdef0123456789abcdef not found", (string)body["message"]!);
    }

    [Fact]
    public async Task List_MissingRunId_Returns400NamingIt()
    {
        var (status, body) = await _client.GetJsonAsync("artifacts/list?path=model");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'run_id'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../..")]
    [InlineData("model/../../other-run")]
    [InlineData("%2e%2e")]
    [InlineData("%252e%252e")]
    [InlineData("/etc")]
    [InlineData("model%5C..")]
    [InlineData("model%23x")]
    [InlineData("model%3Fx=1")]
    [InlineData("model?x=1")]
    public async Task List_UnsafePath_Returns400(string path)
    {
        var (runId, _) = await CreateRunWithArtifactsAsync();

        var (status, body) = await _client.GetJsonAsync($"artifacts/list?run_id={runId}&path={path}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'path'", (string)body["message"]!, StringComparison.Ordinal);
    }
}
