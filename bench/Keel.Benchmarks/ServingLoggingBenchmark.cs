using Keel.Client;
using Keel.Serving;
using Keel.Serving.Metrics;
using Keel.Serving.Monitoring;
using Keel.Serving.Runtime;
using Keel.Testing;
using Microsoft.AspNetCore.Builder;

namespace Keel.Benchmarks;

/// <summary>
/// Single-row <c>/invocations</c> requests/s with every request logged (inputs, outputs, model, version, route, request
/// id, latency) against the same host with logging off, under the same closed-loop load. Both hosts serve the same ONNX
/// model from this process; the logging host ships its segments to a real tracking server (SQLite, local artifacts)
/// started in this process too, so the server's share of the 2 cores is charged to logging. Rounds alternate the order.
/// </summary>
internal sealed class ServingLoggingBenchmark : IBenchmark
{
    private const double TargetRatio = 0.85;
    private static readonly TimeSpan RewarmTime = TimeSpan.FromMilliseconds(500);

    public string Name => "serving-logging";

    public string Summary => "/invocations requests/s with 100% prediction logging vs logging off (same model, same load, interleaved rounds)";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("connections", 64, 1, 1024, "concurrent keep-alive connections, each sending its next request when the answer arrives"),
        new("duration", 10, 1, 3600, "measured seconds per target, split over the rounds"),
        new("rounds", 6, 1, 100, "rounds; each measures both targets once, in alternating order"),
        new("warmup", 2, 0, 600, "minimum seconds of load per target before its first round, then until the JIT is quiet"),
        new("flush-rows", 10_000, 1, 10_000_000, "rows per prediction-log segment"),
        new("server-sink", 1, 0, 1, "1: ship segments to an in-process tracking server; 0: write them to a local folder"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var connections = args["connections"];
        var rounds = args["rounds"];
        var slice = TimeSpan.FromSeconds((double)args["duration"] / rounds);
        var warmup = TimeSpan.FromSeconds(args["warmup"]);
        var toServer = args["server-sink"] == 1;
        Console.WriteLine($"serving-logging: {connections} connections per target, {args["duration"]} s measured per target in {rounds} round(s) of {slice.TotalSeconds:0.#} s, after at least {warmup.TotalSeconds:0} s warm-up per target ({JitWarmup.Rule})");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}; servers and load share this process and 127.0.0.1");

        using var directory = new TempDirectory("keel-bench-serving-logging");
        var flavor = ServingModel.WritePackage(directory.Path);
        var source = new ServingModelSource(directory.Path);
        Console.WriteLine($"model: ML.NET logistic regression on {ServingModel.Features.Length} float columns, served with its {flavor} flavor; batching on (64 rows, 2 ms)");

        await using var server = toServer ? await KeelTestServer.StartAsync() : null;
        using var client = server is null ? null : new KeelClient(server.BaseAddress);
        IPredictionLogSink sink = client is null ? new FolderPredictionLogSink(Path.Combine(directory.Path, "segments")) : new TrackingServerPredictionLogSink(client);
        Console.WriteLine($"sink: {(server is null ? "a local folder" : $"tracking server at {server.BaseAddress}")}, segments of {args["flush-rows"]:N0} rows");

        await using var off = await Host.StartAsync(source, logging: null);
        await using var on = await Host.StartAsync(source, logging: (sink, args["flush-rows"]));
        var bodies = ServingModel.Bodies(64, rows: 1);
        Target[] targets =
        [
            new("logging off", off, new ServingLoad(off.Address, bodies, connections)),
            new("logging 100%", on, new ServingLoad(on.Address, bodies, connections)),
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

        // Stopping flushes what is buffered, so the logged counts below are complete.
        await on.StopAsync();
        Console.WriteLine();
        PrintReport(targets, on.Metrics.PredictionLog);
    }

    private static void PrintReport(Target[] targets, PredictionLogMetrics log)
    {
        Report.Table(["target", "requests/s", "p50", "p99", "CPU / request", "errors"],
        [
            .. targets.Select(t =>
            {
                var f = t.Load.Figures;
                var latency = LatencySummary.Of(f.Latencies);
                return (IReadOnlyList<string>)
                [
                    t.Name, Report.Count(f.RequestsPerSecond), Report.Ms(latency.P50), Report.Ms(latency.P99),
                    $"{CpuPerRequest(f):0} µs",
                    f.Errors == 0 ? "0" : $"{f.Errors}, first: {f.FirstError}",
                ];
            }),
        ]);

        var (off, on) = (targets[0].Load.Figures, targets[1].Load.Figures);
        var perRound = on.RoundRates.Zip(off.RoundRates, (l, o) => l / o).ToList();
        var median = Report.Median(perRound);
        var errors = off.Errors + on.Errors;
        Report.Table(["measure", "value"],
        [
            ["logging 100% / off, requests/s, median of rounds", $"{Report.Ratio(median)} (target >= {Report.Ratio(TargetRatio)})"],
            ["  per round", string.Join(", ", perRound.Select(Report.Ratio))],
            ["  over all rounds", $"{Report.Ratio(on.RequestsPerSecond / off.RequestsPerSecond)} (context)"],
            // Process CPU per request is less disturbed by other tenants than wall time: a second view of the same cost.
            ["off / logging 100%, process CPU per request", $"{Report.Ratio(CpuPerRequest(off) / CpuPerRequest(on))} (context)"],
            ["rows logged (accepted / dropped)", $"{Report.Count(log.Records.Value)} / {Report.Count(log.Dropped.Value)}"],
            ["segments shipped / failed", $"{Report.Count(log.Segments.Value)} / {Report.Count(log.Errors.Value)}"],
            ["errors (both targets)", errors.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ["result", Report.Verdict(median >= TargetRatio && errors == 0 && log.Errors.Value == 0)],
        ]);
    }

    private static double CpuPerRequest(ServingFigures figures) => figures.Cpu.TotalMicroseconds / Math.Max(1, figures.Requests);

    private sealed record Target(string Name, Host Host, ServingLoad Load);

    /// <summary>A model host and its serving app wired as <c>keel serve</c> wires them, with or without a prediction logger.</summary>
    private sealed class Host(ModelHost model, WebApplication app, PredictionLogger? logger, ServingMetrics metrics) : IAsyncDisposable
    {
        private bool _stopped;

        public Uri Address { get; } = app.Addresses().Rest;

        public ServingMetrics Metrics => metrics;

        public static async Task<Host> StartAsync(IModelSource source, (IPredictionLogSink Sink, int FlushRows)? logging)
        {
            var options = new ServingOptions
            {
                ModelUri = "models:/bench/1",
                Port = 0,
                GrpcPort = null,
                ReloadInterval = Timeout.InfiniteTimeSpan,
                LogPredictions = logging is null ? 0 : 1,
                LogFlushRows = logging?.FlushRows ?? 10_000,
            };
            var metrics = new ServingMetrics();
            var model = await ModelHost.StartAsync(source, options, observer: metrics);
            var logger = logging is { } l ? new PredictionLogger(options, l.Sink, metrics) : null;
            var app = KeelServingHost.Create(options, model, metrics, services =>
            {
                if (logger is not null)
                {
                    services.AddPredictionLogger(logger);
                }
            });
            try
            {
                await app.StartAsync();
                return new Host(model, app, logger, metrics);
            }
            catch
            {
                await app.DisposeAsync();
                await model.DisposeAsync();
                throw;
            }
        }

        public async Task StopAsync()
        {
            if (!_stopped)
            {
                _stopped = true;
                await app.StopAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await app.DisposeAsync();
            await model.DisposeAsync();
            if (logger is not null)
            {
                await logger.DisposeAsync();
            }
        }
    }
}
