using Keel.Testing;

namespace Keel.EndToEnd.Tests.ScaleOut;

/// <summary>
/// Two <c>keel server</c> processes on their own ports and data folders, sharing one PostgreSQL database (a private
/// cluster) and one artifact folder, as replicas behind a load balancer would. Started together, so both race
/// through the migrations on the empty database.
/// </summary>
public sealed class TwoReplicas : IAsyncLifetime
{
    private readonly TempDirectory _artifacts = new("keel-replicas-artifacts");
    private readonly TempDirectory _dataA = new("keel-replica-a");
    private readonly TempDirectory _dataB = new("keel-replica-b");
    private PostgresCluster? _cluster;
    private KeelServerProcess? _a;
    private KeelServerProcess? _b;

    public HttpClient A { get; private set; } = null!;

    public HttpClient B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        await _cluster.CreateDatabaseAsync("keel_replicas");
        string[] args = ["--backend-store-uri", _cluster.DatabaseUri("keel_replicas"), "--artifacts-destination", _artifacts.Path];
        var a = KeelServerProcess.StartAsync(ScaleOutHttp.KeelDll, _dataA.Path, args);
        var b = KeelServerProcess.StartAsync(ScaleOutHttp.KeelDll, _dataB.Path, args);
        try
        {
            await Task.WhenAll(a, b);
        }
        finally
        {
            // Keep whichever started, so that DisposeAsync stops it even if the other failed.
            _a = a.IsCompletedSuccessfully ? a.Result : null;
            _b = b.IsCompletedSuccessfully ? b.Result : null;
        }
        A = new HttpClient { BaseAddress = _a!.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        B = new HttpClient { BaseAddress = _b!.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        A?.Dispose();
        B?.Dispose();
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        _artifacts.Dispose();
        _dataA.Dispose();
        _dataB.Dispose();
    }
}
