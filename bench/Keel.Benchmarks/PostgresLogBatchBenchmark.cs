using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.Server;
using Keel.Storage;
using Keel.Testing;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Benchmarks;

/// <summary>
/// Metrics/s acknowledged by runs/log-batch into a PostgreSQL backend store, against a raw Npgsql binary COPY of
/// exactly the rows the server stored into a copy of the server's metrics table (same columns and primary key), in
/// the same database right after the load. The verdict's reference is one COPY in one transaction, the fastest
/// PostgreSQL ingests; a second reference commits every request's worth, the durability Keel gives each batch,
/// and on one connection shows what a commit (WAL flush) costs without concurrent writers to share it.
/// </summary>
internal sealed class PostgresLogBatchBenchmark : IBenchmark
{
    private const double TargetRatio = 0.50;

    public string Name => "pg-logbatch";

    public string Summary => "runs/log-batch metrics/s into PostgreSQL (KEEL_TEST_POSTGRES) vs raw Npgsql binary COPY of the same rows";

    public IReadOnlyList<IntOption> Options { get; } = PgLoad.Options;

    public async Task RunAsync(BenchmarkArgs args)
    {
        var clients = args["clients"];
        var pattern = new MetricPattern(args["metrics-per-request"]);
        var duration = TimeSpan.FromSeconds(args["duration"]);
        PgLoad.PrintSetup("pg-logbatch", clients, pattern, duration, args["warmup"]);

        await using var harness = new PostgresStoresHarness("keel-bench-pg");
        var stores = await harness.OpenAsync();
        string[] runIds;
        PgLoad.Result load;
        await using (var server = await PgReplica.StartAsync(stores))
        {
            runIds = await PgLoad.CreateRunsAsync([server.Address], clients, "pg-logbatch-benchmark");
            Console.WriteLine("HTTP load ...");
            load = await PgLoad.RunAsync([server.Address], runIds, pattern, TimeSpan.FromSeconds(args["warmup"]), duration);
        }
        var stored = Convert.ToInt64(await harness.QueryDatabaseAsync("SELECT count(*) FROM metrics"), CultureInfo.InvariantCulture);
        GC.Collect();

        Console.WriteLine($"reference: the same {Report.Count(load.TotalAcknowledged)} rows by Npgsql binary COPY into copy_reference (LIKE metrics INCLUDING ALL: same primary key), one connection, one COPY and transaction ...");
        var referenceCpu = PgLoad.ProcessCpu();
        var referenceElapsed = await CopyReferenceAsync(harness.BackendStoreUri, runIds, load.RequestsPerRun, pattern, commitPerRequest: false);
        referenceCpu = PgLoad.ProcessCpu() - referenceCpu;
        var referenceRate = load.TotalAcknowledged / referenceElapsed.TotalSeconds;
        Console.WriteLine($"second reference: the same rows again, a COPY and commit per {pattern.MetricsPerRequest} rows ...");
        var perRequestElapsed = await CopyReferenceAsync(harness.BackendStoreUri, runIds, load.RequestsPerRun, pattern, commitPerRequest: true);
        var perRequestRate = load.TotalAcknowledged / perRequestElapsed.TotalSeconds;

        var rate = load.Acknowledged / duration.TotalSeconds;
        var ratio = rate / referenceRate;
        var latency = LatencySummary.Of(load.Latencies);
        Console.WriteLine();
        Report.Table(["measure", "value"],
        [
            ["reference: Npgsql binary COPY, one transaction", $"{Report.Count(referenceRate)} rows/s ({Report.Count(load.TotalAcknowledged)} rows in {referenceElapsed.TotalSeconds:0.00} s)"],
            [$"COPY and commit per {pattern.MetricsPerRequest} rows, one connection", $"{Report.Count(perRequestRate)} rows/s ({perRequestElapsed.TotalSeconds:0.00} s)"],
            ["Keel: runs/log-batch over HTTP into PostgreSQL", $"{Report.Count(rate)} metrics/s"],
            ["ratio Keel / reference", $"{Report.Ratio(ratio)} (target >= {Report.Ratio(TargetRatio)})"],
            ["latency p50 / p99 / max", $"{Report.Ms(latency.P50)} / {Report.Ms(latency.P99)} / {Report.Ms(latency.Max)}"],
            ["requests measured (200)", Report.Count(latency.Count)],
            ["errors (whole load)", load.Errors == 0 ? "0" : $"{load.Errors}, first: {load.FirstError}"],
            ["rows stored = metrics acknowledged", stored == load.TotalAcknowledged ? $"yes ({Report.Count(stored)})" : $"NO: {Report.Count(stored)} stored, {Report.Count(load.TotalAcknowledged)} acknowledged"],
            ["warm-up", $"{load.Warmup.TotalSeconds:0.0} s{(load.Settled ? "" : ", JIT still busy at the limit")}"],
            // Client-side CPU only: PostgreSQL's backends are other processes and appear in neither figure.
            ["this process's CPU per 1000 rows: reference / Keel", $"{Report.Ms(referenceCpu.TotalMilliseconds * 1000 / load.TotalAcknowledged)} / {Report.Ms(load.Cpu.TotalMilliseconds * 1000 / Math.Max(1, load.Acknowledged))}"],
            ["load average before / after", $"{load.LoadBefore} / {PgLoad.LoadAverage()}"],
            ["result", Report.Verdict(ratio >= TargetRatio && load.Errors == 0 && stored == load.TotalAcknowledged)],
        ]);
    }

    /// <summary>Request r of every run in turn, as the concurrent clients interleave them; returns the time taken.</summary>
    private static async Task<TimeSpan> CopyReferenceAsync(string backendStoreUri, string[] runIds, long[] requestsPerRun, MetricPattern pattern, bool commitPerRequest)
    {
        await using var connection = new NpgsqlConnection(PgLoad.ConnectionString(backendStoreUri));
        await connection.OpenAsync();
        await using (var setup = new NpgsqlCommand("DROP TABLE IF EXISTS copy_reference; CREATE TABLE copy_reference (LIKE metrics INCLUDING ALL);", connection))
        {
            await setup.ExecuteNonQueryAsync();
        }
        var runPks = await MapAsync(connection, "SELECT run_id, run_pk FROM runs");
        var keyIds = await MapAsync(connection, "SELECT key, key_id FROM metric_keys");
        var pks = runIds.Select(id => runPks[id]).ToArray();
        var keys = Enumerable.Range(0, MetricPattern.KeyCount).Select(k => keyIds[MetricPattern.KeyName(k)]).ToArray();

        const string copy = "COPY copy_reference (run_pk, key_id, step, timestamp, is_nan, value) FROM STDIN (FORMAT BINARY)";
        var random = new Random(42);
        var started = Stopwatch.GetTimestamp();
        // Synchronous writes: the fastest a .NET client can feed COPY, so the reference is not weakened.
        var transaction = connection.BeginTransaction();
        var writer = connection.BeginBinaryImport(copy);
        for (long request = 0; request < requestsPerRun.Max(); request++)
        {
            for (var run = 0; run < requestsPerRun.Length; run++)
            {
                if (request >= requestsPerRun[run])
                {
                    continue;
                }
                for (var i = 0; i < pattern.MetricsPerRequest; i++)
                {
                    var (key, step, timestamp) = pattern.Point(request, i);
                    writer.StartRow();
                    writer.Write(pks[run], NpgsqlDbType.Bigint);
                    writer.Write(keys[key], NpgsqlDbType.Bigint);
                    writer.Write(step, NpgsqlDbType.Bigint);
                    writer.Write(timestamp, NpgsqlDbType.Bigint);
                    writer.Write(false, NpgsqlDbType.Boolean);
                    writer.Write(random.NextDouble(), NpgsqlDbType.Double);
                }
                if (commitPerRequest)
                {
                    writer.Complete();
                    writer.Dispose();
                    transaction.Commit();
                    transaction.Dispose();
                    transaction = connection.BeginTransaction();
                    writer = connection.BeginBinaryImport(copy);
                }
            }
        }
        writer.Complete();
        writer.Dispose();
        transaction.Commit();
        transaction.Dispose();
        var elapsed = Stopwatch.GetElapsedTime(started);
        await using (var drop = new NpgsqlCommand("DROP TABLE copy_reference;", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }
        return elapsed;
    }

    private static async Task<Dictionary<string, long>> MapAsync(NpgsqlConnection connection, string sql)
    {
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            map[reader.GetString(0)] = reader.GetInt64(1);
        }
        return map;
    }
}

/// <summary>One Keel tracking server on 127.0.0.1 and a free port over stores opened elsewhere (not disposed here).</summary>
internal sealed class PgReplica : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PgReplica(WebApplication app)
    {
        _app = app;
        Address = app.BoundAddress();
    }

    public Uri Address { get; }

    public static async Task<PgReplica> StartAsync(KeelStores stores)
    {
        var app = KeelServerHost.Create(new KeelServerOptions { Host = "127.0.0.1", Port = 0 }, services => stores.Register(services));
        await app.StartAsync();
        return new PgReplica(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The log-batch load of the PostgreSQL benchmarks: client i logs to its own run through server i mod n.</summary>
internal static class PgLoad
{
    public static IReadOnlyList<IntOption> Options { get; } =
    [
        new("clients", 8, 1, 256, "concurrent clients, each with its own connection and run"),
        new("duration", 20, 1, 3600, "measured seconds of HTTP load"),
        new("warmup", 2, 0, 600, "minimum seconds of HTTP load before measuring, then until the JIT is quiet"),
        new("metrics-per-request", 1000, 1, 1000, "metrics per log-batch (and rows per reference COPY)"),
    ];

    public static void PrintSetup(string name, int clients, MetricPattern pattern, TimeSpan duration, int warmup)
    {
        var server = Environment.GetEnvironmentVariable(PostgresStoresHarness.ServerVariable) ?? "(unset)";
        Console.WriteLine($"{name}: {clients} clients x {pattern.MetricsPerRequest} metrics/request, {duration.TotalSeconds:0} s measured after at least {warmup} s warm-up ({JitWarmup.Rule})");
        Console.WriteLine($"server: in-process Kestrel on 127.0.0.1, backend store a fresh database on {server} ({PostgresStoresHarness.ServerVariable}), {Environment.ProcessorCount} cores, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, load average {LoadAverage()}");
        Console.WriteLine("load: same process, one HttpClient and connection per client, each logging to its own run");
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>An Npgsql connection string for the simple single-host URI the test harness hands out.</summary>
    public static string ConnectionString(string backendStoreUri)
    {
        var uri = new Uri(backendStoreUri);
        var user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = Uri.UnescapeDataString(user[0]),
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            Pooling = false,
        };
        if (user.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }
        return builder.ConnectionString;
    }

    /// <summary>Creates run i through server i mod n, so each replica also serves writes to runs another created.</summary>
    public static async Task<string[]> CreateRunsAsync(Uri[] servers, int count, string experiment)
    {
        using var first = new KeelClient(servers[0]);
        var experimentId = await first.CreateExperimentAsync(experiment);
        var runs = new string[count];
        for (var i = 0; i < count; i++)
        {
            using var client = new KeelClient(servers[(i + 1) % servers.Length]);
            runs[i] = (await client.CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId, RunName = $"client-{i}" })).Info.RunId;
        }
        return runs;
    }

    /// <summary>Acknowledged and Cpu cover the measured window; TotalAcknowledged, RequestsPerRun and Errors the whole load.</summary>
    public sealed record Result(
        long Acknowledged, long TotalAcknowledged, long[] RequestsPerRun, long Errors, string? FirstError, IEnumerable<double> Latencies,
        TimeSpan Warmup, bool Settled, TimeSpan Cpu, string LoadBefore);

    /// <summary>Servers in other processes, whose JIT this process's warm-up rule cannot see: their own warm-up, and readings around the window.</summary>
    public interface IExternalServers
    {
        /// <summary>Returns when the servers are warm; <paramref name="acknowledged"/> reads the metrics acknowledged so far.</summary>
        Task<(TimeSpan Elapsed, bool Settled)> WarmUpAsync(TimeSpan minimum, Func<long> acknowledged);

        void WindowOpened();

        void WindowClosed();
    }

    /// <summary>A request counts when its response arrives inside the window, so the window's throughput is unbiased in steady state.</summary>
    public static async Task<Result> RunAsync(Uri[] servers, string[] runIds, MetricPattern pattern, TimeSpan warmup, TimeSpan duration, IExternalServers? external = null)
    {
        var loadBefore = LoadAverage();
        var window = new Window();
        var clients = runIds.Select((runId, i) => Task.Run(() => ClientAsync(servers[i % servers.Length], runId, i, pattern, window))).ToArray();
        var (warmed, settled) = external is null ? await JitWarmup.WaitAsync(warmup) : await external.WarmUpAsync(warmup, () => window.Acknowledged);
        var cpu = ProcessCpu();
        window.Open(duration);
        external?.WindowOpened();
        await Task.Delay(duration);
        external?.WindowClosed();
        cpu = ProcessCpu() - cpu;
        var results = await Task.WhenAll(clients);
        return new Result(
            results.Sum(r => r.Acknowledged), results.Sum(r => r.TotalAcknowledged), results.Select(r => r.Requests).ToArray(),
            results.Sum(r => r.Errors), results.Select(r => r.FirstError).FirstOrDefault(e => e is not null),
            results.SelectMany(r => r.Latencies), warmed, settled, cpu, loadBefore);
    }

    private sealed class Window
    {
        private long _from = long.MaxValue;
        private long _to = long.MaxValue;
        private long _acknowledged;

        public long To => Volatile.Read(ref _to);

        /// <summary>Metrics acknowledged so far, window or not: the progress an external warm-up watches.</summary>
        public long Acknowledged => Interlocked.Read(ref _acknowledged);

        public void Acknowledge(int metrics) => Interlocked.Add(ref _acknowledged, metrics);

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
    }

    private static async Task<ClientResult> ClientAsync(Uri server, string runId, int seed, MetricPattern pattern, Window window)
    {
        using var http = BenchHttp.Connect(server);
        var buffer = new ArrayBufferWriter<byte>(pattern.MetricsPerRequest * 96);
        var random = new Random(seed);
        var result = new ClientResult();
        for (long request = 0; Stopwatch.GetTimestamp() < window.To; request++)
        {
            buffer.ResetWrittenCount();
            pattern.WriteBody(buffer, runId, request, random);
            using var content = BenchHttp.Json(buffer.WrittenMemory);
            var sent = Stopwatch.GetTimestamp();
            string? error = null;
            try
            {
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
                // A failed request's steps are skipped, not retried: the reference follows what was acknowledged.
                result.Errors++;
                result.FirstError ??= error;
                continue;
            }
            result.TotalAcknowledged += pattern.MetricsPerRequest;
            result.Requests++;
            window.Acknowledge(pattern.MetricsPerRequest);
            if (window.Contains(done))
            {
                result.Acknowledged += pattern.MetricsPerRequest;
                result.Latencies.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
            }
        }
        return result;
    }
}
