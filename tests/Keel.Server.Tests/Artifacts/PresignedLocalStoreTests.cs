using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Artifacts;

/// <summary>
/// With the local artifact store nothing can be presigned: MLflow's multipart routes answer as MLflow does for a
/// repository without multipart support (501 NOT_IMPLEMENTED and the exact message its client falls back on), after
/// the same request checks; Keel's presign endpoint answers 501 too.
/// </summary>
public sealed class PresignedLocalStoreTests : IAsyncLifetime
{
    private readonly RecordingArtifactServer _server = new(s3: false);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _server.StartAsync();

    [Theory]
    [InlineData("create/0/r/artifacts", """{"path":"big.bin","num_parts":3}""")]
    [InlineData("create", """{"path":"big.bin","num_parts":3}""")]
    [InlineData("complete/0/r/artifacts", """{"path":"big.bin","upload_id":"u","parts":[{"part_number":1,"etag":"e"}]}""")]
    [InlineData("abort/0/r/artifacts", """{"path":"big.bin","upload_id":"u"}""")]
    public async Task Multipart_LocalStore_Answers501WithMlflowsMessage(string route, string body)
    {
        using var response = await _server.Client.PostAsync($"/api/2.0/mlflow-artifacts/mpu/{route}",
            new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("NOT_IMPLEMENTED", error["error_code"]!.GetValue<string>());
        Assert.StartsWith("Multipart upload is not supported for the current artifact repository",
            error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multipart_LocalStoreButBadPath_Answers400First()
    {
        using var response = await _server.Client.PostAsync("/api/2.0/mlflow-artifacts/mpu/create/0/r/artifacts",
            new StringContent("""{"num_parts":1}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task Presign_LocalStore_Answers501(string method)
    {
        using var response = await _server.Client.GetAsync($"/api/keel/v1/artifacts/presign?path=0/r/artifacts/a.bin&method={method}", Ct);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("NOT_IMPLEMENTED", error["error_code"]!.GetValue<string>());
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
