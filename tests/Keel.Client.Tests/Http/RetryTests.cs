using System.Net.Sockets;
using Keel.Client.Tests.Support;
using Keel.Contracts.Mlflow;
using Keel.Testing;

namespace Keel.Client.Tests.Http;

public sealed class RetryTests : IAsyncLifetime
{
    private const string ExperimentJson = """{"experiment":{"experiment_id":"7","name":"e","lifecycle_stage":"active"}}""";

    private StubServer _stub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _stub = await StubServer.StartAsync();

    public ValueTask DisposeAsync() => _stub.DisposeAsync();

    private KeelClient NewClient(int maxRetries = 3, TimeSpan? timeout = null) => new(new KeelClientOptions
    {
        TrackingUri = _stub.BaseAddress,
        MaxRetries = maxRetries,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        Timeout = timeout ?? TimeSpan.FromSeconds(100),
    });

    [Fact]
    public async Task GetExperimentAsync_ServerAnswers503Twice_RetriesThenSucceeds()
    {
        _stub.Enqueue(
            StubResponse.Error(503, "TEMPORARILY_UNAVAILABLE", "busy"),
            StubResponse.Error(503, "TEMPORARILY_UNAVAILABLE", "busy"),
            StubResponse.Json(200, ExperimentJson));
        using var client = NewClient();

        var experiment = await client.GetExperimentAsync("7", Ct);

        Assert.Equal("7", experiment.ExperimentId);
        Assert.Equal(3, _stub.Requests.Count);
        Assert.All(_stub.Requests, r => Assert.Equal("/api/2.0/mlflow/experiments/get?experiment_id=7", r.PathAndQuery));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task CreateExperimentAsync_TransientStatusOnce_RetriesWithTheSameBody(int status)
    {
        _stub.Enqueue(StubResponse.Json(status, "{}"), StubResponse.Json(200, """{"experiment_id":"12"}"""));
        using var client = NewClient();

        var id = await client.CreateExperimentAsync("retried", ct: Ct);

        Assert.Equal("12", id);
        Assert.Equal(2, _stub.Requests.Count);
        Assert.Equal(_stub.Requests[0].BodyText, _stub.Requests[1].BodyText);
        Assert.StartsWith("{\"name\":\"retried\"", _stub.Requests[1].BodyText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, ErrorCodes.InvalidParameterValue)]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(404, ErrorCodes.ResourceDoesNotExist)]
    [InlineData(409, ErrorCodes.ResourceAlreadyExists)]
    public async Task GetExperimentAsync_ClientError_ThrowsAfterOneRequest(int status, string code)
    {
        _stub.Enqueue(StubResponse.Error(status, code, "not retried"));
        using var client = NewClient();

        var e = await Assert.ThrowsAsync<KeelApiException>(() => client.GetExperimentAsync("7", Ct));

        Assert.Equal(code, e.ErrorCode);
        Assert.Equal(status, e.StatusCode);
        Assert.Equal("not retried", e.Message);
        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task GetExperimentAsync_AlwaysUnavailable_ThrowsAfterMaxRetriesPlusOne()
    {
        _stub.Fallback = StubResponse.Error(503, "TEMPORARILY_UNAVAILABLE", "down for maintenance");
        using var client = NewClient(maxRetries: 2);

        var e = await Assert.ThrowsAsync<KeelApiException>(() => client.GetExperimentAsync("7", Ct));

        Assert.Equal(503, e.StatusCode);
        Assert.Equal("TEMPORARILY_UNAVAILABLE", e.ErrorCode);
        Assert.Equal("down for maintenance", e.Message);
        Assert.Equal(3, _stub.Requests.Count);
    }

    [Fact]
    public async Task GetExperimentAsync_MaxRetriesZero_SendsOnce()
    {
        _stub.Fallback = StubResponse.Json(503, "{}");
        using var client = NewClient(maxRetries: 0);

        await Assert.ThrowsAsync<KeelApiException>(() => client.GetExperimentAsync("7", Ct));

        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task GetExperimentAsync_EveryAttemptTimesOut_ThrowsTimeoutExceptionAfterRetrying()
    {
        _stub.Fallback = StubResponse.Json(200, ExperimentJson) with { Delay = TimeSpan.FromSeconds(5) };
        using var client = NewClient(maxRetries: 1, timeout: TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<TimeoutException>(() => client.GetExperimentAsync("7", Ct));

        Assert.Equal(2, _stub.Requests.Count);
    }

    [Fact]
    public async Task GetExperimentAsync_FirstAttemptTimesOut_SecondAttemptSucceeds()
    {
        _stub.Enqueue(StubResponse.Json(200, ExperimentJson) with { Delay = TimeSpan.FromSeconds(5) }, StubResponse.Json(200, ExperimentJson));
        using var client = NewClient(maxRetries: 1, timeout: TimeSpan.FromMilliseconds(500));

        var experiment = await client.GetExperimentAsync("7", Ct);

        Assert.Equal("7", experiment.ExperimentId);
        Assert.Equal(2, _stub.Requests.Count);
    }

    [Fact]
    public async Task GetExperimentAsync_NothingListening_ThrowsHttpRequestException()
    {
        var port = FreePort();
        using var client = new KeelClient(new KeelClientOptions
        {
            TrackingUri = new Uri($"http://127.0.0.1:{port}/"),
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(5),
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetExperimentAsync("7", Ct));
    }

    [Fact]
    public async Task GetExperimentAsync_CallerCancels_ThrowsOperationCanceledWithoutRetrying()
    {
        _stub.Fallback = StubResponse.Json(200, ExperimentJson) with { Delay = TimeSpan.FromSeconds(10) };
        using var client = NewClient();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetExperimentAsync("7", cts.Token));

        Assert.Single(_stub.Requests);
    }

    [Fact]
    public async Task UploadArtifactAsync_503ThenOk_ResendsTheWholeFile()
    {
        _stub.Enqueue(
            StubResponse.Json(200, """{"run":{"info":{"run_id":"r","run_uuid":"r","experiment_id":"0","status":"RUNNING","artifact_uri":"mlflow-artifacts:/0/r/artifacts","lifecycle_stage":"active"},"data":{},"inputs":{}}}"""),
            StubResponse.Json(503, "{}"));
        using var temp = new TempDirectory("keel-client-retry");
        var file = Path.Combine(temp.Path, "data.bin");
        var content = new byte[200_000];
        new Random(3).NextBytes(content);
        await File.WriteAllBytesAsync(file, content, Ct);
        var progress = new RecordingProgress();
        using var client = NewClient();

        await client.UploadArtifactAsync("r", file, "in/put", progress, Ct);

        var puts = _stub.Requests.Where(r => r.Method == "PUT").ToList();
        Assert.Equal(2, puts.Count);
        Assert.All(puts, p => Assert.Equal("/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/in/put/data.bin", p.PathAndQuery));
        Assert.Equal(content, puts[1].Body);
        Assert.Equal(content.Length, progress.Values[^1]);
    }

    [Fact]
    public async Task GetExperimentAsync_NonJsonErrorPage_ThrowsWithCodeDerivedFromStatus()
    {
        _stub.Enqueue(new StubResponse(404, "<html>not here</html>", "text/html"));
        using var client = NewClient();

        var e = await Assert.ThrowsAsync<KeelApiException>(() => client.GetExperimentAsync("7", Ct));

        Assert.Equal(ErrorCodes.EndpointNotFound, e.ErrorCode);
        Assert.Equal(404, e.StatusCode);
        Assert.Contains("<html>not here</html>", e.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
