using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Keel.Testing;

/// <summary>
/// <c>keel server</c> as a separate OS process on 127.0.0.1, for tests that must kill it outright.
/// </summary>
public sealed class KeelServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    private KeelServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The server's OS process id, e.g. to place it in a cgroup with a CPU limit.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has ended, for tests asserting that it never does.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote to stdout and stderr, for failure messages.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _log);

    /// <summary>Starts <paramref name="keelDll"/> with <c>server</c> on a free port and waits until it answers /health/live.</summary>
    public static Task<KeelServerProcess> StartAsync(string keelDll, string dataDirectory, CancellationToken ct = default) =>
        StartAsync(keelDll, dataDirectory, [], ct);

    /// <summary>As above, with more <c>keel server</c> arguments, e.g. <c>--backend-store-uri postgresql://…</c>.</summary>
    public static async Task<KeelServerProcess> StartAsync(string keelDll, string dataDirectory, IReadOnlyList<string> serverArgs, CancellationToken ct = default)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { keelDll, "server", "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dataDirectory }.Concat(serverArgs))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var server = new KeelServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"keel server exited with code {process.ExitCode} before answering: {server.RecentOutput}");
            }
            try
            {
                using var response = await probe.GetAsync("health/live", ct);
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // probe timed out while the server starts
            }
            await Task.Delay(100, ct);
        }
        await server.DisposeAsync();
        throw new TimeoutException("keel server did not answer /health/live within 60 s");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushes — what a crash or an OOM kill looks like.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        // Bounded: a server under load may log a warning per failed request.
        while (_log.Count > 50 && _log.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
