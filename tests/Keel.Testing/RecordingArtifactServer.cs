using System.Collections.Concurrent;
using Keel.Server;
using Keel.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace Keel.Testing;

/// <summary>
/// A real server over SQLite and either a fresh S3 test prefix (<c>s3://&lt;bucket&gt;/&lt;fresh prefix&gt;</c>, opened with
/// ArtifactStores.FromDestination, with the data objects beside it as in production) or a local artifact folder, recording every request line it receives
/// ("METHOD raw-target"), so tests can show which bytes did not pass through it.
/// </summary>
public sealed class RecordingArtifactServer(bool s3) : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("keel-presign");
    private readonly ConcurrentQueue<string> _requests = new();
    private S3TestBucket? _bucket;
    private IDisposable? _s3Store;
    private IDisposable? _s3DataObjects;
    private KeelStores? _sqlite;
    private WebApplication? _app;

    public S3TestBucket Bucket => _bucket ?? throw new InvalidOperationException("This server has a local artifact store.");

    public HttpClient Client { get; private set; } = new();

    public Uri BaseAddress => Client.BaseAddress ?? throw new InvalidOperationException("The server has not started.");

    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>Creates and starts a server; disposed again when starting fails.</summary>
    public static async Task<RecordingArtifactServer> StartNewAsync(bool s3)
    {
        var server = new RecordingArtifactServer(s3);
        try
        {
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask StartAsync()
    {
        _sqlite = await KeelStorage.OpenAsync(new StorageOptions(_directory.Path), TimeProvider.System);
        var stores = _sqlite;
        if (s3)
        {
            _bucket = new S3TestBucket("keel-presign");
            var artifacts = ArtifactStores.FromDestination(_bucket.Destination, _directory.Path, _bucket.Environment);
            _s3Store = (IDisposable)artifacts;
            var dataObjects = ArtifactStores.DataObjectsFor(_bucket.Destination, _directory.Path, _bucket.Environment);
            _s3DataObjects = (IDisposable)dataObjects;
            stores = new KeelStores(_sqlite.Tracking, _sqlite.Registry, _sqlite.Deployments, _sqlite.Datasets, _sqlite.Monitors, _sqlite.Pipelines, artifacts, dataObjects, _sqlite);
        }
        _app = KeelServerHost.Create(new KeelServerOptions { Host = "127.0.0.1", Port = 0 }, services => stores.Register(services));
        _app.Use((context, next) =>
        {
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value;
            _requests.Enqueue($"{context.Request.Method} {target}");
            return next(context);
        });
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = _app.BoundAddress() };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
        }
        _s3Store?.Dispose();
        _s3DataObjects?.Dispose();
        if (_bucket is not null)
        {
            await _bucket.DisposeAsync();
        }
        _directory.Dispose();
    }
}
