using Keel.Server;
using Keel.Storage;
using Keel.Workers.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Keel.Cli.Hosting;

/// <summary>A tracking server in this process over this machine's storage: <c>keel server</c> and the quickstart's embedded one.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly KeelStores _stores;
    private readonly PipelineExecution _pipelines;

    private LocalServer(WebApplication app, KeelStores stores, PipelineExecution pipelines)
    {
        _app = app;
        _stores = stores;
        _pipelines = pipelines;
        Address = app.BoundAddress();
    }

    /// <summary>The URL Kestrel bound, with the real port when 0 was asked for.</summary>
    public Uri Address { get; }

    public static async Task<LocalServer> StartAsync(StorageOptions storage, KeelServerOptions options, TimeProvider time, CancellationToken ct)
    {
        Directory.CreateDirectory(storage.DataDirectory);
        var stores = await KeelStorage.OpenAsync(storage, time, ct);
        PipelineExecution? pipelines = null;
        try
        {
            // Pipeline stages run in this process on SQLite, on `keel worker` processes on PostgreSQL.
            WebApplication? app = null;
            pipelines = await PipelineExecution.StartAsync(stores, storage.BackendStoreUri, time, log: null, ct, () => app?.BoundAddress());
            app = KeelServerHost.Create(options, services => pipelines.Register(stores.Register(services)));
            try
            {
                await app.StartAsync(ct);
                return new LocalServer(app, stores, pipelines);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }
        catch
        {
            if (pipelines is not null)
            {
                await pipelines.DisposeAsync();
            }
            await stores.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes when <paramref name="ct"/> fires (Ctrl+C, SIGTERM) or the host is asked to stop.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _pipelines.DisposeAsync();
        await _stores.DisposeAsync();
    }
}
