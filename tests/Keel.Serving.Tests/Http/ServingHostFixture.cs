using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Client;
using Keel.Serving.Metrics;
using Keel.Serving.Runtime;
using Keel.Serving.Tests.Support;
using Keel.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Serving.Tests.Http;

/// <summary>
/// A real tracking server with <see cref="ServingModels"/> registered as versions 1 and 2 of a model, a
/// <see cref="ModelHost"/> serving version 1 from it, and a serving host on 127.0.0.1 with free REST and gRPC ports.
/// </summary>
public sealed class ServingHostFixture : IAsyncLifetime
{
    private KeelTestServer? _server;
    private KeelClient? _client;

    public string ModelName { get; } = $"serving-http-{Guid.NewGuid():N}";

    public string ModelUri => $"models:/{ModelName}/1";

    public KeelTestServer Registry => _server ?? throw NotStarted();

    public ModelHost Model { get; private set; } = null!;

    public ServingMetrics Metrics { get; } = new();

    public ServingHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _server = await KeelTestServer.StartAsync(ct: ct);
        _client = new KeelClient(_server.BaseAddress);
        await ServingModels.RegisterAsync(_client, ModelName, exportOnnx: false, ct);
        var options = Options();
        Model = await ModelHost.StartAsync(new RegistryModelSource(_client, ModelUri), options, TimeProvider.System, null, Metrics, ct);
        Host = await ServingHost.StartAsync(options, Model, Metrics);
    }

    /// <summary>Options for a host on free loopback ports serving <see cref="ModelUri"/>.</summary>
    public ServingOptions Options() => new() { ModelUri = ModelUri, Host = "127.0.0.1", Port = 0, GrpcPort = 0 };

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Model is not null)
        {
            await Model.DisposeAsync();
        }

        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static InvalidOperationException NotStarted() => new("The fixture has not started.");
}

/// <summary>A started <see cref="KeelServingHost"/> and an HTTP client for its REST address.</summary>
public sealed class ServingHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServingHost(WebApplication app)
    {
        _app = app;
        Addresses = app.Addresses();
        Client = new HttpClient { BaseAddress = Addresses.Rest };
    }

    public ServingAddresses Addresses { get; }

    public HttpClient Client { get; }

    public static async Task<ServingHost> StartAsync(
        ServingOptions options, IModelScorer scorer, ServingMetrics? metrics = null, Action<IServiceCollection>? configureServices = null)
    {
        var app = KeelServingHost.Create(options, scorer, metrics, configureServices);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ServingHost(app);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) => PostAsync(path, json, "application/json");

    public Task<HttpResponseMessage> PostAsync(string path, string body, string? contentType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return Client.PostAsync(path, content, TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Reading answers in assertions.</summary>
internal static class Responses
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
        ?? throw new InvalidOperationException("The body was JSON null.");

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
