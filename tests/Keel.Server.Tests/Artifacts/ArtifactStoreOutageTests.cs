using System.Net;
using System.Text.Json.Nodes;
using Keel.Server;
using Keel.Storage;
using Keel.Testing;
using Microsoft.AspNetCore.Builder;

namespace Keel.Server.Tests.Artifacts;

/// <summary>
/// An S3 artifact store that cannot be reached: artifact calls answer 503 with Retry-After and MLflow's
/// TEMPORARILY_UNAVAILABLE, while metadata calls keep working.
/// </summary>
public sealed class ArtifactStoreOutageTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("keel-outage");
    private KeelStores? _sqlite;
    private WebApplication? _app;
    private HttpClient? _client;

    public async ValueTask InitializeAsync()
    {
        _sqlite = await KeelStorage.OpenAsync(new StorageOptions(_directory.Path), TimeProvider.System);
        // Nothing listens on port 9 (discard) here: every S3 call fails to connect.
        var unreachable = ArtifactStores.FromDestination("s3://keel-outage/artifacts", _directory.Path, name => name switch
        {
            "AWS_ENDPOINT_URL" => "http://127.0.0.1:9",
            "AWS_ACCESS_KEY_ID" or "AWS_SECRET_ACCESS_KEY" => "outage",
            _ => null,
        });
        var stores = new KeelStores(_sqlite.Tracking, _sqlite.Registry, _sqlite.Deployments, _sqlite.Datasets, _sqlite.Monitors, _sqlite.Pipelines, unreachable, _sqlite.DataObjects, _sqlite);
        _app = KeelServerHost.Create(new KeelServerOptions { Host = "127.0.0.1", Port = 0 }, services => stores.Register(services));
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    [Fact]
    public async Task ArtifactCalls_Answer503WithRetryAfter_WhileMetadataCallsWork()
    {
        var ct = TestContext.Current.CancellationToken;
        var put = await _client!.PutAsync("/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a.txt", new StringContent("a"), ct);
        var get = await _client.GetAsync("/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a.txt", ct);
        var created = await _client.PostAsync("/api/2.0/mlflow/experiments/create",
            new StringContent("""{"name":"still-works"}""", System.Text.Encoding.UTF8, "application/json"), ct);

        foreach (var response in new[] { put, get })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
            Assert.Equal("TEMPORARILY_UNAVAILABLE", body["error_code"]!.GetValue<string>());
            Assert.Contains("artifact store is unavailable", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
        }
        _directory.Dispose();
    }
}
