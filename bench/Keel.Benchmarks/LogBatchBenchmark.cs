using System.Buffers;
using System.Diagnostics;
using System.Net;
using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.Storage.Sqlite;
using Keel.Testing;
using Microsoft.Data.Sqlite;

namespace Keel.Benchmarks;

/// <summary>
/// Metrics/s acknowledged by runs/log-batch under concurrent clients, against raw prepared inserts of exactly the
/// rows the server stored (same runs, keys, steps, count) into a fresh SQLite file with the server's own metrics
/// table, one transaction per request's worth. The reference runs right after the load, so both tables end the
/// same size: insert cost grows with the b-tree, and a bigger or smaller reference would skew the ratio.
/// </summary>
internal sealed class LogBatchBenchmark : IBenchmark
{
    private const double TargetRatio = 0.50;

    public string Name => "logbatch";

    public string Summary => "runs/log-batch metrics/s under concurrent clients vs raw SQLite inserts of the same rows";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("clients", 8, 1, 256, "concurrent clients, each with its own connection and run"),
        new("duration", 20, 1, 3600, "measured seconds of HTTP load"),
        new("warmup", 2, 0, 600, "minimum seconds of HTTP load before measuring, then until the JIT is quiet"),
        new("metrics-per-request", 1000, 1, 1000, "metrics per log-batch (and rows per reference transaction)"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var clients = args["clients"];
        var pattern = new MetricPattern(args["metrics-per-request"]);
        var duration = TimeSpan.FromSeconds(args["duration"]);
        Console.WriteLine($"log-batch: {clients} clients x {pattern.MetricsPerRequest} metrics/request, {duration.TotalSeconds:0} s measured after at least {args["warmup"]} s warm-up ({JitWarmup.Rule})");
        Console.WriteLine($"server: in-process Kestrel on 127.0.0.1 (KeelTestServer, SQLite file in a temp dir), {Environment.ProcessorCount} cores, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        Console.WriteLine("load: same process, one HttpClient and connection per client, each logging to its own run; bodies are built between requests, outside the latency timer");

        await using var server = await KeelTestServer.StartAsync();
        var database = Path.Combine(server.DataDirectory, "keel.db");
        var runIds = await CreateRunsAsync(server.BaseAddress, clients);
        Console.WriteLine("HTTP load ...");
        var load = await LoadAsync(server.BaseAddress, runIds, pattern, TimeSpan.FromSeconds(args["warmup"]), duration);
        var stored = await CountRowsAsync(database);
        GC.Collect();

        var metricsDdl = await ReadMetricsDdlAsync(database);
        Console.WriteLine($"reference: the same {Report.Count(load.TotalAcknowledged)} rows into a fresh SQLite file (the server's writer pragmas: WAL, synchronous=NORMAL, wal_autocheckpoint=10000), the server's own metrics DDL, prepared INSERT, {pattern.MetricsPerRequest} rows per transaction ...");
        var referenceCpu = ProcessCpu();
        var referenceElapsed = InsertReference(metricsDdl, load.RequestsPerRun, pattern);
        referenceCpu = ProcessCpu() - referenceCpu;
        var referenceRows = load.TotalAcknowledged;
        var referenceRate = referenceRows / referenceElapsed.TotalSeconds;

        var rate = load.Acknowledged / duration.TotalSeconds;
        var ratio = rate / referenceRate;
        var latency = LatencySummary.Of(load.Latencies);
        Console.WriteLine();
        Report.Table(["measure", "value"],
        [
            ["reference: raw SQLite inserts", $"{Report.Count(referenceRate)} rows/s ({Report.Count(referenceRows)} rows in {referenceElapsed.TotalSeconds:0.00} s)"],
            ["Keel: runs/log-batch over HTTP", $"{Report.Count(rate)} metrics/s"],
            ["ratio Keel / reference", $"{Report.Ratio(ratio)} (target >= {Report.Ratio(TargetRatio)})"],
            ["latency p50 / p99 / max", $"{Report.Ms(latency.P50)} / {Report.Ms(latency.P99)} / {Report.Ms(latency.Max)}"],
            ["requests measured (200)", Report.Count(latency.Count)],
            ["errors (whole load)", load.Errors == 0 ? "0" : $"{load.Errors}, first: {load.FirstError}"],
            ["rows stored = metrics acknowledged", stored == load.TotalAcknowledged ? $"yes ({Report.Count(stored)})" : $"NO: {Report.Count(stored)} stored, {Report.Count(load.TotalAcknowledged)} acknowledged"],
            ["warm-up", $"{load.Warmup.TotalSeconds:0.0} s{(load.Settled ? "" : ", JIT still busy at the limit")}; JIT while measuring: {load.JitMethods} methods, {load.JitTime.TotalSeconds:0.00} s"],
            // CPU time is less disturbed by other tenants than wall time; Keel's includes the in-process clients.
            ["process CPU per 1000 rows: reference / Keel", $"{Report.Ms(referenceCpu.TotalMilliseconds * 1000 / referenceRows)} / {Report.Ms(load.Cpu.TotalMilliseconds * 1000 / load.Acknowledged)}"],
            ["client body building (all clients)", $"{load.BodyBuilding.TotalSeconds:0.00} s summed over the whole load (shares the server's cores)"],
            ["result", Report.Verdict(ratio >= TargetRatio && load.Errors == 0)],
        ]);
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static async Task<string> ReadMetricsDdlAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'metrics'";
        return await command.ExecuteScalarAsync() as string
            ?? throw new InvalidOperationException("The server's database has no metrics table.");
    }

    private static async Task<long> CountRowsAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM metrics";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Request r of every run in turn, as the concurrent clients interleave them; returns the time taken.</summary>
    private static TimeSpan InsertReference(string metricsDdl, long[] requestsPerRun, MetricPattern pattern)
    {
        using var directory = new TempDirectory("keel-bench-reference");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory.Path, "reference.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = $"{SqliteSettings.WriterPragmas} {metricsDdl};";
            setup.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        // The server's statement, parameters bound the same way (is_nan included).
        insert.CommandText = "INSERT OR IGNORE INTO metrics (run_pk, key_id, step, timestamp, is_nan, value) VALUES ($p0, $p1, $p2, $p3, $p4, $p5);";
        var parameters = Enumerable.Range(0, 6).Select(i => insert.Parameters.Add($"$p{i}", i == 5 ? SqliteType.Real : SqliteType.Integer)).ToArray();
        insert.Prepare();

        var random = new Random(42);
        var started = Stopwatch.GetTimestamp();
        for (long request = 0; request < requestsPerRun.Max(); request++)
        {
            for (var run = 0; run < requestsPerRun.Length; run++)
            {
                if (request >= requestsPerRun[run])
                {
                    continue;
                }
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                // Fresh database: the server's runs got run_pk 1..n and keys m00..m99 got key_id 1..100.
                parameters[0].Value = run + 1L;
                // Key order, as the server inserts a batch: each key's new points sit together in the b-tree.
                var points = Enumerable.Range(0, pattern.MetricsPerRequest).Select(i => pattern.Point(request, i))
                    .OrderBy(p => p.Key).ThenBy(p => p.Step);
                foreach (var (key, step, timestamp) in points)
                {
                    parameters[1].Value = key + 1L;
                    parameters[2].Value = step;
                    parameters[3].Value = timestamp;
                    parameters[4].Value = 0L;
                    parameters[5].Value = random.NextDouble();
                    insert.ExecuteNonQuery();
                }
                transaction.Commit();
            }
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task<string[]> CreateRunsAsync(Uri serverAddress, int count)
    {
        using var client = new KeelClient(serverAddress);
        var experimentId = await client.CreateExperimentAsync("logbatch-benchmark");
        var runs = new string[count];
        for (var i = 0; i < count; i++)
        {
            runs[i] = (await client.CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId, RunName = $"client-{i}" })).Info.RunId;
        }
        return runs;
    }

    /// <summary>The measured window; closed until warm-up ends, then clients stop at its end.</summary>
    private sealed class LoadWindow
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

    private sealed class ClientResult
    {
        public long Acknowledged { get; set; }

        public long TotalAcknowledged { get; set; }

        public long Requests { get; set; }

        public long Errors { get; set; }

        public string? FirstError { get; set; }

        public List<double> Latencies { get; } = new(4096);

        public TimeSpan BodyBuilding { get; set; }
    }

    /// <summary>Acknowledged and Cpu cover the measured window; TotalAcknowledged, RequestsPerRun and Errors the whole load.</summary>
    private sealed record LoadResult(
        long Acknowledged, long TotalAcknowledged, long[] RequestsPerRun, long Errors, string? FirstError, IEnumerable<double> Latencies,
        TimeSpan BodyBuilding, TimeSpan Warmup, bool Settled, long JitMethods, TimeSpan JitTime, TimeSpan Cpu);

    /// <summary>
    /// All clients load through warm-up and the window; a request counts (throughput and latency) when its
    /// response arrives inside the window, so the window's throughput is unbiased in steady state.
    /// </summary>
    private static async Task<LoadResult> LoadAsync(Uri serverAddress, string[] runIds, MetricPattern pattern, TimeSpan warmup, TimeSpan duration)
    {
        var window = new LoadWindow();
        var clients = runIds.Select((runId, i) => Task.Run(() => ClientAsync(serverAddress, runId, i, pattern, window))).ToArray();
        var (warmed, settled) = await JitWarmup.WaitAsync(warmup);
        var jit = JitWarmup.Snapshot();
        var cpu = ProcessCpu();
        window.Open(duration);
        await Task.Delay(duration);
        cpu = ProcessCpu() - cpu;
        var (jitMethods, jitTime) = JitWarmup.Snapshot();
        var results = await Task.WhenAll(clients);
        return new LoadResult(
            results.Sum(r => r.Acknowledged), results.Sum(r => r.TotalAcknowledged), results.Select(r => r.Requests).ToArray(),
            results.Sum(r => r.Errors), results.Select(r => r.FirstError).FirstOrDefault(e => e is not null),
            results.SelectMany(r => r.Latencies), TimeSpan.FromTicks(results.Sum(r => r.BodyBuilding.Ticks)),
            warmed, settled, jitMethods - jit.Methods, jitTime - jit.Time, cpu);
    }

    private static async Task<ClientResult> ClientAsync(Uri serverAddress, string runId, int seed, MetricPattern pattern, LoadWindow window)
    {
        using var http = BenchHttp.Connect(serverAddress);
        var buffer = new ArrayBufferWriter<byte>(pattern.MetricsPerRequest * 96);
        var random = new Random(seed);
        var result = new ClientResult();
        for (long request = 0; Stopwatch.GetTimestamp() < window.To; request++)
        {
            var building = Stopwatch.GetTimestamp();
            buffer.ResetWrittenCount();
            pattern.WriteBody(buffer, runId, request, random);
            using var content = BenchHttp.Json(buffer.WrittenMemory);
            var sent = Stopwatch.GetTimestamp();
            result.BodyBuilding += Stopwatch.GetElapsedTime(building, sent);

            string? error = null;
            try
            {
                // PostAsync buffers the whole response, so the timer covers the full exchange.
                using var response = await http.PostAsync(MlflowRoutes.RunsLogBatch, content);
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
                continue;
            }
            result.TotalAcknowledged += pattern.MetricsPerRequest;
            result.Requests++;
            if (window.Contains(done))
            {
                result.Acknowledged += pattern.MetricsPerRequest;
                result.Latencies.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
            }
        }
        return result;
    }
}
