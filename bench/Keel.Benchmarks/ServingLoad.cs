using System.Diagnostics;
using System.Net;

namespace Keel.Benchmarks;

/// <summary>What one target answered inside its measured windows (summed over rounds).</summary>
internal sealed class ServingFigures
{
    public long Requests { get; set; }

    public TimeSpan Measured { get; set; }

    public TimeSpan Cpu { get; set; }

    public long Errors { get; set; }

    public string? FirstError { get; set; }

    public List<double> Latencies { get; } = new(1 << 16);

    public TimeSpan Warmup { get; set; }

    public bool Settled { get; set; } = true;

    public long JitMethods { get; set; }

    /// <summary>Requests/s of each round, in round order.</summary>
    public List<double> RoundRates { get; } = [];

    public double RequestsPerSecond => Requests / Measured.TotalSeconds;
}

/// <summary>
/// Closed-loop load on one endpoint: a fixed number of workers, each with one keep-alive connection from a shared
/// pool, POSTing the next body as soon as the previous answer is read. A request counts (throughput and latency)
/// when its answer arrives inside the measured window, so the window's rate is unbiased in steady state.
/// </summary>
internal sealed class ServingLoad : IDisposable
{
    private readonly HttpClient _http;
    private readonly byte[][] _bodies;
    private readonly int _connections;

    public ServingLoad(Uri address, byte[][] bodies, int connections)
    {
        _bodies = bodies;
        _connections = connections;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
        })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    public ServingFigures Figures { get; } = new();

    /// <summary>Loads for at least <paramref name="warmup"/> and, when <paramref name="untilJitQuiet"/>, until the JIT is quiet; then measures <paramref name="duration"/>.</summary>
    public async Task RunAsync(TimeSpan warmup, bool untilJitQuiet, TimeSpan duration)
    {
        var window = new Window();
        var workers = Enumerable.Range(0, _connections).Select(i => Task.Run(() => WorkerAsync(i, window))).ToArray();
        if (untilJitQuiet)
        {
            var (elapsed, settled) = await JitWarmup.WaitAsync(warmup);
            Figures.Warmup += elapsed;
            Figures.Settled &= settled;
        }
        else
        {
            await Task.Delay(warmup);
            Figures.Warmup += warmup;
        }

        var jit = JitWarmup.Snapshot();
        var cpu = ProcessCpu();
        window.Open(duration);
        await Task.Delay(duration);
        Figures.Cpu += ProcessCpu() - cpu;
        Figures.JitMethods += JitWarmup.Snapshot().Methods - jit.Methods;
        Figures.Measured += duration;
        var results = await Task.WhenAll(workers);
        Figures.RoundRates.Add(results.Sum(r => r.Latencies.Count) / duration.TotalSeconds);
        foreach (var result in results)
        {
            Figures.Requests += result.Latencies.Count;
            Figures.Latencies.AddRange(result.Latencies);
            Figures.Errors += result.Errors;
            Figures.FirstError ??= result.FirstError;
        }
    }

    public void Dispose() => _http.Dispose();

    public static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private async Task<WorkerResult> WorkerAsync(int seed, Window window)
    {
        var result = new WorkerResult();
        for (var i = seed; Stopwatch.GetTimestamp() < window.To; i++)
        {
            using var content = BenchHttp.Json(_bodies[i % _bodies.Length]);
            var sent = Stopwatch.GetTimestamp();
            string? error = null;
            try
            {
                // PostAsync buffers the whole answer, so the timer covers the full exchange.
                using var response = await _http.PostAsync("invocations", content);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    error = $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                error = e.Message;
            }
            var done = Stopwatch.GetTimestamp();
            if (error is not null)
            {
                result.Errors++;
                result.FirstError ??= error;
            }
            else if (window.Contains(done))
            {
                result.Latencies.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
            }
        }
        return result;
    }

    private sealed class WorkerResult
    {
        public List<double> Latencies { get; } = new(4096);

        public long Errors { get; set; }

        public string? FirstError { get; set; }
    }

    /// <summary>Closed until warm-up ends; workers stop at its end.</summary>
    private sealed class Window
    {
        private long _from = long.MaxValue;
        private long _to = long.MaxValue;

        public long To => Volatile.Read(ref _to);

        public bool Contains(long timestamp) => timestamp >= Volatile.Read(ref _from) && timestamp <= To;

        public void Open(TimeSpan duration)
        {
            var now = Stopwatch.GetTimestamp();
            Volatile.Write(ref _to, now + (long)(duration.TotalSeconds * Stopwatch.Frequency));
            Volatile.Write(ref _from, now);
        }
    }
}
