using System.Diagnostics;
using Keel.Testing;

namespace Keel.Benchmarks;

/// <summary>
/// One replica as a pod would run it: a real <c>keel server</c> process over the shared PostgreSQL backend store,
/// with its own data folder and, when a controller is writable, its own cgroup for a CPU limit set later.
/// </summary>
internal sealed class ReplicaServer : IAsyncDisposable
{
    private static string KeelDll => Path.Combine(AppContext.BaseDirectory, "keel.dll");

    private readonly KeelServerProcess _process;
    private readonly TempDirectory _data;
    private readonly CpuLimit.CpuGroup? _group;

    private ReplicaServer(KeelServerProcess process, TempDirectory data, CpuLimit.CpuGroup? group)
    {
        _process = process;
        _data = data;
        _group = group;
    }

    public Uri Address => _process.BaseAddress;

    public int ProcessId => _process.ProcessId;

    /// <summary>Starts the server and moves it into a fresh group of <paramref name="limit"/> (none without one).</summary>
    public static async Task<ReplicaServer> StartAsync(string name, string backendStoreUri, string artifacts, CpuLimit? limit)
    {
        if (!File.Exists(KeelDll))
        {
            throw new InvalidOperationException($"{KeelDll} is missing: build bench/Keel.Benchmarks, which references src/Keel.Cli");
        }
        var data = new TempDirectory($"keel-bench-{name}");
        KeelServerProcess? process = null;
        CpuLimit.CpuGroup? group = null;
        try
        {
            // Schedulers stay off: the benchmark measures request handling, not monitors running beside it.
            process = await KeelServerProcess.StartAsync(KeelDll, data.Path,
                ["--backend-store-uri", backendStoreUri, "--artifacts-destination", artifacts, "--no-monitor-scheduler"]);
            group = limit?.Create($"keel-bench-{name}-{Environment.ProcessId}");
            group?.Add(process.ProcessId);
            return new ReplicaServer(process, data, group);
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
            group?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>User and system CPU of the server process so far (all its threads).</summary>
    public TimeSpan Cpu()
    {
        using var process = Process.GetProcessById(_process.ProcessId);
        return process.TotalProcessorTime;
    }

    public void SetLimit(int millicores) => _group?.SetLimit(millicores);

    public CpuLimit.Throttling ReadThrottling() => _group?.ReadThrottling() ?? default;

    /// <summary>Kills the server, then removes its group (the kernel keeps a group while a process is in it) and folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.DisposeAsync();
        }
        finally
        {
            _group?.Dispose();
            _data.Dispose();
        }
    }
}
