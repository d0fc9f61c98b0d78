using Keel.Server;
using Keel.Storage;
using Keel.Workers.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Testing;

/// <summary>
/// A real Keel tracking server on Kestrel at 127.0.0.1 and a free port, over a real SQLite file and a local
/// artifact folder in its own temporary directory. Each test class starts its own.
/// </summary>
public sealed class KeelTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly KeelStores _stores;
    private readonly TempDirectory? _ownedDirectory;
    private readonly PipelineExecution? _pipelines;

    private KeelTestServer(WebApplication app, KeelStores stores, string dataDirectory, TempDirectory? ownedDirectory, PipelineExecution? pipelines)
    {
        _app = app;
        _stores = stores;
        _pipelines = pipelines;
        DataDirectory = dataDirectory;
        _ownedDirectory = ownedDirectory;
        BaseAddress = app.BoundAddress();
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public string DataDirectory { get; }

    public KeelStores Stores => _stores;

    /// <summary>Starts a server; with a <paramref name="dataDirectory"/> it reuses that folder (for restart tests).</summary>
    public static Task<KeelTestServer> StartAsync(string? dataDirectory = null, CancellationToken ct = default) =>
        StartAsync(new KeelServerOptions(), dataDirectory, ct: ct);

    /// <summary>
    /// Starts a server with <paramref name="options"/> (its host and port are replaced by 127.0.0.1 and a free port); with
    /// <paramref name="runPipelineStages"/> it runs pipeline stages in process, as <c>keel server</c> does on SQLite.
    /// </summary>
    public static async Task<KeelTestServer> StartAsync(
        KeelServerOptions options, string? dataDirectory = null, bool runPipelineStages = false, CancellationToken ct = default)
    {
        var owned = dataDirectory is null ? new TempDirectory("keel-server") : null;
        var directory = dataDirectory ?? owned!.Path;
        var stores = await KeelStorage.OpenAsync(new StorageOptions(directory), TimeProvider.System, ct);
        options.Host = "127.0.0.1";
        options.Port = 0;
        WebApplication? app = null;
        var pipelines = runPipelineStages
            ? await PipelineExecution.StartAsync(stores, backendStoreUri: null, TimeProvider.System, log: null, ct, () => app?.BoundAddress())
            : null;
        app = KeelServerHost.Create(options, services =>
        {
            stores.Register(services);
            pipelines?.Register(services);
        });
        await app.StartAsync(ct);
        return new KeelTestServer(app, stores, directory, owned, pipelines);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_pipelines is not null)
        {
            await _pipelines.DisposeAsync();
        }
        await _stores.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
