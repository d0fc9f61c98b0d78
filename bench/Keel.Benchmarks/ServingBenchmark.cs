using Keel.Serving;
using Keel.Serving.Metrics;
using Keel.Serving.Runtime;
using Keel.Testing;
using Microsoft.AspNetCore.Builder;

namespace Keel.Benchmarks;

/// <summary>
/// Single-row <c>/invocations</c> requests/s of the serving host (ONNX logistic regression, batching as
/// <c>keel serve</c> defaults to) against a bare Kestrel route answering a constant JSON, under the same closed-loop
/// load; plus rows/s with large requests and the batching gain, all from one run. Every target is served by the
/// benchmark's own process on 127.0.0.1, and the rounds alternate between targets so drift hits them all.
/// </summary>
internal sealed class ServingBenchmark : IBenchmark
{
    private const double TargetRatio = 0.60;
    private static readonly TimeSpan RewarmTime = TimeSpan.FromMilliseconds(500);

    public string Name => "serving";

    public string Summary => "/invocations requests/s (ONNX model) vs a bare Kestrel endpoint; rows/s of big requests; batching on vs off";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("connections", 64, 1, 1024, "concurrent keep-alive connections, each sending its next request when the answer arrives"),
        new("duration", 8, 1, 3600, "measured seconds per target, split over the rounds"),
        new("rounds", 4, 1, 100, "rounds; each measures every target once, in alternating order"),
        new("warmup", 2, 0, 600, "minimum seconds of load per target before its first round, then until the JIT is quiet"),
        new("rows", 1000, 2, 100_000, "rows per request in the big-request phase"),
        new("batch-size", 64, 2, 10_000, "MaxBatchSize of the batching-on host"),
        new("batch-delay-us", 2000, 0, 1_000_000, "MaxBatchDelay of the batching-on host, in microseconds"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var connections = args["connections"];
        var rounds = args["rounds"];
        var slice = TimeSpan.FromSeconds((double)args["duration"] / rounds);
        var warmup = TimeSpan.FromSeconds(args["warmup"]);
        var bigRows = args["rows"];
        var batchDelay = TimeSpan.FromMicroseconds(args["batch-delay-us"]);
        Console.WriteLine($"serving: {connections} connections per target, {args["duration"]} s measured per target in {rounds} round(s) of {slice.TotalSeconds:0.#} s, after at least {warmup.TotalSeconds:0} s warm-up per target ({JitWarmup.Rule}; {RewarmTime.TotalSeconds:0.#} s before later rounds)");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}; servers and load share this process and 127.0.0.1; load average {LoadAverage()}");

        using var directory = new TempDirectory("keel-bench-serving");
        var flavor = ServingModel.WritePackage(directory.Path);
        var source = new ServingModelSource(directory.Path);
        Console.WriteLine($"model: ML.NET logistic regression on {ServingModel.Features.Length} float columns, served with its {flavor} flavor");

        await using var batched = await KeelHost.StartAsync(source, args["batch-size"], batchDelay);
        await using var unbatched = await KeelHost.StartAsync(source, maxBatchSize: 1, TimeSpan.Zero);
        var single = ServingModel.Bodies(64, rows: 1);
        var answer = await PostOnceAsync(batched.Address, single[0]);
        var (bare, bareAddress) = await ServingBareEndpoint.StartAsync(answer);
        await using var bareApp = bare;
        var big = ServingModel.Bodies(8, bigRows);

        Target[] targets =
        [
            new("bare Kestrel, constant JSON", 1, new ServingLoad(bareAddress, single, connections)),
            new($"Keel, batching on ({args["batch-size"]} rows, {batchDelay.TotalMilliseconds:0.###} ms)", 1, new ServingLoad(batched.Address, single, connections)),
            new("Keel, batching off", 1, new ServingLoad(unbatched.Address, single, connections)),
            new($"Keel, {bigRows:N0}-row requests, batching on", bigRows, new ServingLoad(batched.Address, big, connections)),
        ];
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var target in round % 2 == 0 ? targets : targets.Reverse())
                {
                    Console.WriteLine($"round {round + 1}/{rounds}: {target.Name} ...");
                    await target.Load.RunAsync(round == 0 ? warmup : RewarmTime, untilJitQuiet: round == 0, slice);
                }
            }
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Load.Dispose();
            }
        }

        Console.WriteLine($"load average after the run: {LoadAverage()}");
        Console.WriteLine();
        PrintReport(targets);
    }

    private static void PrintReport(Target[] targets)
    {
        Report.Table(["target", "requests/s", "rows/s", "p50", "p99", "max", "CPU / request", "errors", "warm-up", "JIT while measuring"],
        [
            .. targets.Select(t =>
            {
                var f = t.Load.Figures;
                var latency = LatencySummary.Of(f.Latencies);
                return (IReadOnlyList<string>)
                [
                    t.Name, Report.Count(f.RequestsPerSecond), Report.Count(f.RequestsPerSecond * t.Rows),
                    Report.Ms(latency.P50), Report.Ms(latency.P99), Report.Ms(latency.Max),
                    // CPU time is less disturbed by other tenants than wall time; it includes the in-process load.
                    $"{CpuPerRequest(f):0} µs",
                    f.Errors == 0 ? "0" : $"{f.Errors}, first: {f.FirstError}",
                    $"{f.Warmup.TotalSeconds:0.0} s{(f.Settled ? "" : ", JIT still busy")}",
                    $"{f.JitMethods} methods",
                ];
            }),
        ]);

        var (bare, batched, unbatched, big) = (targets[0].Load.Figures, targets[1].Load.Figures, targets[2].Load.Figures, targets[3].Load.Figures);
        var ratio = batched.RequestsPerSecond / bare.RequestsPerSecond;
        var errors = targets.Sum(t => t.Load.Figures.Errors);
        Report.Table(["measure", "value"],
        [
            ["Keel (batching on) / bare, single-row requests/s", $"{Report.Ratio(ratio)} (target >= {Report.Ratio(TargetRatio)})"],
            ["  per round", string.Join(", ", targets[1].Load.Figures.RoundRates.Zip(bare.RoundRates, (k, b) => Report.Ratio(k / b)))],
            // CPU per request is less disturbed by other tenants than wall time: a second view of the same ratio.
            ["bare / Keel (batching on), process CPU per request", $"{Report.Ratio(CpuPerRequest(bare) / CpuPerRequest(batched))} (context)"],
            ["Keel (batching off) / bare, single-row requests/s", $"{Report.Ratio(unbatched.RequestsPerSecond / bare.RequestsPerSecond)} (context)"],
            ["big requests / single-row requests, rows/s (batching on)", $"{Report.Ratio(big.RequestsPerSecond * targets[3].Rows / batched.RequestsPerSecond)} (informational)"],
            // Each predictor call has a fixed cost (ONNX Runtime session run, tensor setup) that a batch pays once.
            ["batching gain: on / off, single-row requests/s", $"{Report.Ratio(batched.RequestsPerSecond / unbatched.RequestsPerSecond)} (informational; above 1 expected: with 64 requests in flight, one predictor call answers many)"],
            ["errors (all targets)", errors.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ["result", Report.Verdict(ratio >= TargetRatio && errors == 0)],
        ]);
    }

    private static double CpuPerRequest(ServingFigures figures) => figures.Cpu.TotalMicroseconds / Math.Max(1, figures.Requests);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static async Task<byte[]> PostOnceAsync(Uri address, byte[] body)
    {
        using var http = new HttpClient { BaseAddress = address };
        using var content = BenchHttp.Json(body);
        using var response = await http.PostAsync("invocations", content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode
            ? bytes
            : throw new InvalidOperationException($"POST /invocations returned {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
    }

    private sealed record Target(string Name, int Rows, ServingLoad Load);

    /// <summary>A model host and its serving app, wired as <c>keel serve</c> wires them (shared metrics, no reloads, no gRPC).</summary>
    private sealed class KeelHost(ModelHost model, WebApplication app) : IAsyncDisposable
    {
        public Uri Address { get; } = app.Addresses().Rest;

        public static async Task<KeelHost> StartAsync(IModelSource source, int maxBatchSize, TimeSpan maxBatchDelay)
        {
            var options = new ServingOptions
            {
                ModelUri = "models:/bench/1",
                Port = 0,
                GrpcPort = null,
                MaxBatchSize = maxBatchSize,
                MaxBatchDelay = maxBatchDelay,
                ReloadInterval = Timeout.InfiniteTimeSpan,
            };
            var metrics = new ServingMetrics();
            var model = await ModelHost.StartAsync(source, options, observer: metrics);
            var app = KeelServingHost.Create(options, model, metrics);
            try
            {
                await app.StartAsync();
                return new KeelHost(model, app);
            }
            catch
            {
                await app.DisposeAsync();
                await model.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await app.DisposeAsync();
            await model.DisposeAsync();
        }
    }
}
