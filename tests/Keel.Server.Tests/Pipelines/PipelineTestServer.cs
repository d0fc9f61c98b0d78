using Keel.Core.Pipelines;
using Keel.Server.KeelApi;
using Keel.Storage;
using Keel.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Pipelines;

/// <summary>
/// A real server (Kestrel on 127.0.0.1, SQLite, local artifacts in a folder of its own) with a recording dispatcher, or
/// none, and a small workspace limit.
/// </summary>
internal sealed class PipelineTestServer : IAsyncDisposable
{
    public const long MaxWorkspaceBytes = 64 * 1024;

    private readonly WebApplication _app;
    private readonly TempDirectory _directory;

    private PipelineTestServer(WebApplication app, KeelStores stores, TempDirectory directory, RecordingDispatcher? dispatcher)
    {
        _app = app;
        _directory = directory;
        Stores = stores;
        Dispatcher = dispatcher;
        Client = new HttpClient { BaseAddress = app.BoundAddress() };
    }

    public HttpClient Client { get; }

    public KeelStores Stores { get; }

    public RecordingDispatcher? Dispatcher { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<PipelineTestServer> StartAsync(bool withDispatcher = true)
    {
        var directory = new TempDirectory("keel-pipelines-server");
        var stores = await KeelStorage.OpenAsync(new StorageOptions(directory.Path), TimeProvider.System);
        var dispatcher = withDispatcher ? new RecordingDispatcher() : null;
        var app = KeelServerHost.Create(new KeelServerOptions { Host = "127.0.0.1", Port = 0, RunMonitorScheduler = false }, services =>
        {
            stores.Register(services);
            services.AddSingleton(new PipelineServerOptions { MaxWorkspaceBytes = MaxWorkspaceBytes });
            if (dispatcher is not null)
            {
                services.AddSingleton<IPipelineDispatcher>(dispatcher);
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new PipelineTestServer(app, stores, directory, dispatcher);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Stores.DisposeAsync();
        _directory.Dispose();
    }
}
