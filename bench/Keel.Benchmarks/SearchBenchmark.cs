using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Keel.Contracts.Mlflow;
using Keel.Testing;
using Microsoft.Data.Sqlite;

namespace Keel.Benchmarks;

/// <summary>
/// runs/search latency (filter on a param and a metric, order by a metric, first page) on a seeded experiment,
/// against the equivalent raw SQL on the server's own SQLite file, timed alternately in the same run.
/// </summary>
internal sealed class SearchBenchmark : IBenchmark
{
    private const double TargetMedianMs = 100;
    private const int SeedClients = 8;
    private const int ParamValues = 5;

    // The store's order: runs without the metric last, NaN (NULL) before them, then MLflow's tie-breakers.
    private const string OrderByAndLimit =
        "ORDER BY CASE WHEN o0.run_pk IS NULL THEN 2 WHEN o0.value IS NULL THEN 1 ELSE 0 END, o0.value DESC, r.start_time DESC, r.run_id ASC LIMIT $limit";

    public string Name => "search";

    public string Summary => "runs/search (filter + metric order, first page) latency vs the equivalent raw SQL on the server's SQLite file";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("runs", 10_000, 1, 1_000_000, "runs seeded into one experiment"),
        new("params", 10, 4, 100, "params per run (p0.., values v0..v4; the filter uses p3)"),
        new("metrics", 20, 8, 900, "metrics per run (m0.., values in [0,1); the filter uses m5, the order m7)"),
        new("iterations", 50, 1, 100_000, "timed searches per query and side"),
        new("warmup", 5, 0, 10_000, "minimum untimed searches per query, then until the JIT is quiet"),
    ];

    private sealed record Query(string Name, string? Filter, int MaxResults, bool Gated);

    public async Task RunAsync(BenchmarkArgs args)
    {
        var runs = args["runs"];
        Console.WriteLine($"search: {Report.Count(runs)} runs x {args["params"]} params x {args["metrics"]} metrics, {args["iterations"]} timed iterations after at least {args["warmup"]} warm-up ({JitWarmup.Rule})");
        Console.WriteLine($"server: in-process Kestrel on 127.0.0.1 (KeelTestServer, SQLite file in a temp dir), {Environment.ProcessorCount} cores; client: one HttpClient, same process");
        Console.WriteLine("reference: the same query as raw SQL over the server's keel.db (read-only connection, prepared, run ids only), alternating with the HTTP call");

        await using var server = await KeelTestServer.StartAsync();
        using var http = BenchHttp.Connect(server.BaseAddress);
        var seeding = Stopwatch.GetTimestamp();
        var experimentId = await SeedAsync(server.BaseAddress, http, runs, args["params"], args["metrics"]);
        var seeded = Stopwatch.GetElapsedTime(seeding);
        Console.WriteLine($"seeded {Report.Count(runs)} runs in {seeded.TotalSeconds:0.0} s ({Report.Count(runs / seeded.TotalSeconds)} runs/s, 2 requests each, {SeedClients} clients)");

        await using var raw = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "keel.db")};Mode=ReadOnly;Pooling=False");
        await raw.OpenAsync();

        Query[] queries =
        [
            new("filter + order, first 100", "params.p3 = 'v1' and metrics.m5 > 0.5", 100, Gated: true),
            new("no filter, order, first 1000", null, 1000, Gated: false),
        ];
        var rows = new List<IReadOnlyList<string>>();
        foreach (var query in queries)
        {
            rows.Add(await MeasureAsync(query, experimentId, http, raw, args["warmup"], args["iterations"]));
        }
        Console.WriteLine();
        Report.Table(["query (order by metrics.m7 DESC)", "matches", "same page", "warm-up, JIT while timed", "raw SQL median / p95", "Keel HTTP median / p95", "ratio (medians)", "response", "target", "result"], rows);
        Console.WriteLine("filter: params.p3 = 'v1' and metrics.m5 > 0.5; context, measured elsewhere (not in this run): MLflow 2.10.2 ~0.8 s per runs/search returning 1000 runs.");
    }

    /// <summary>What the store compiles for these searches: EXISTS per filter term, LEFT JOIN for the sort key.</summary>
    private static string FromWhere(Query query) => $"""
        FROM runs r
        LEFT JOIN latest_metrics o0 ON o0.run_pk = r.run_pk AND o0.key_id = (SELECT key_id FROM metric_keys WHERE key = 'm7')
        WHERE r.experiment_id = $experiment AND r.lifecycle_stage = 'active'
        {(query.Filter is not null ? """
            AND EXISTS (SELECT 1 FROM params fp WHERE fp.run_pk = r.run_pk AND fp.key = 'p3' AND fp.value = 'v1')
            AND EXISTS (SELECT 1 FROM latest_metrics lm WHERE lm.run_pk = r.run_pk
                AND lm.key_id = (SELECT key_id FROM metric_keys WHERE key = 'm5') AND lm.value > 0.5)
            """ : "")}
        """;

    private static async Task<IReadOnlyList<string>> MeasureAsync(
        Query query, string experimentId, HttpClient http, SqliteConnection raw, int warmup, int iterations)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["experiment_ids"] = new[] { experimentId },
            ["filter"] = query.Filter,
            ["order_by"] = new[] { "metrics.m7 DESC" },
            ["max_results"] = query.MaxResults,
        });
        await using var command = raw.CreateCommand();
        command.CommandText = $"SELECT r.run_id {FromWhere(query)} {OrderByAndLimit}";
        command.Parameters.AddWithValue("$experiment", long.Parse(experimentId, System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$limit", query.MaxResults);
        command.Prepare();

        var (response, keelIds) = await SearchAsync(http, body);
        var rawIds = ReadIds(command);
        var matches = Report.Count(await CountMatchesAsync(raw, query, experimentId));

        var rawTimes = new List<double>(iterations);
        var keelTimes = new List<double>(iterations);
        async Task Both()
        {
            // Alternating keeps the machine's drift (other tenants, GC, page cache) out of the ratio.
            var started = Stopwatch.GetTimestamp();
            await http.PostOkAsync(MlflowRoutes.RunsSearch, body);
            keelTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            ReadIds(command);
            rawTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var (warmupSteps, settled) = await JitWarmup.RunAsync(warmup, Both);
        keelTimes.Clear();
        rawTimes.Clear();
        var jit = JitWarmup.Snapshot();
        for (var i = 0; i < iterations; i++)
        {
            await Both();
        }
        var jitMethods = JitWarmup.Snapshot().Methods - jit.Methods;
        var keelStats = LatencySummary.Of(keelTimes);
        var rawStats = LatencySummary.Of(rawTimes);
        var samePage = keelIds.SequenceEqual(rawIds) ? $"yes ({keelIds.Count})" : $"NO ({keelIds.Count} vs {rawIds.Count})";
        return
        [
            query.Name, matches, samePage, $"{warmupSteps}{(settled ? "" : " (JIT busy)")}, JIT {jitMethods}",
            $"{Report.Ms(rawStats.P50)} / {Report.Ms(rawStats.P95)}",
            $"{Report.Ms(keelStats.P50)} / {Report.Ms(keelStats.P95)}",
            Report.Ratio(keelStats.P50 / rawStats.P50),
            $"{response.Length / 1024.0:0} KB",
            query.Gated ? $"median < {TargetMedianMs:0} ms" : "context: MLflow ~800 ms",
            query.Gated ? Report.Verdict(keelStats.P50 < TargetMedianMs && keelIds.SequenceEqual(rawIds)) : "-",
        ];
    }

    /// <summary>One search and its run ids, parsed here only to check the page; the timed loop skips the parse.</summary>
    private static async Task<(byte[] Response, IReadOnlyList<string> RunIds)> SearchAsync(HttpClient http, byte[] body)
    {
        var response = await http.PostOkAsync(MlflowRoutes.RunsSearch, body);
        using var json = JsonDocument.Parse(response);
        var ids = json.RootElement.TryGetProperty("runs", out var runs)
            ? runs.EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()!).ToArray()
            : [];
        return (response, ids);
    }

    private static List<string> ReadIds(SqliteCommand command)
    {
        var ids = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private static async Task<long> CountMatchesAsync(SqliteConnection raw, Query query, string experimentId)
    {
        await using var count = raw.CreateCommand();
        count.CommandText = $"SELECT count(*) {FromWhere(query)}";
        count.Parameters.AddWithValue("$experiment", long.Parse(experimentId, System.Globalization.CultureInfo.InvariantCulture));
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>Creates the runs, each with one log-batch of its params and metrics, from concurrent clients.</summary>
    private static async Task<string> SeedAsync(Uri serverAddress, HttpClient http, int runs, int paramCount, int metricCount)
    {
        var created = await http.PostOkAsync(MlflowRoutes.ExperimentsCreate, JsonSerializer.SerializeToUtf8Bytes(new { name = "search-benchmark" }));
        using var experiment = JsonDocument.Parse(created);
        var experimentId = experiment.RootElement.GetProperty("experiment_id").GetString()!;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, SeedClients).Select(_ => Task.Run(async () =>
        {
            using var client = BenchHttp.Connect(serverAddress);
            var buffer = new ArrayBufferWriter<byte>(4096);
            for (var i = Interlocked.Increment(ref next); i < runs; i = Interlocked.Increment(ref next))
            {
                var run = await client.PostOkAsync(MlflowRoutes.RunsCreate, JsonSerializer.SerializeToUtf8Bytes(
                    new { experiment_id = experimentId, run_name = $"run-{i:000000}", start_time = 1_700_000_000_000L + i }));
                using var runJson = JsonDocument.Parse(run);
                var runId = runJson.RootElement.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
                buffer.ResetWrittenCount();
                WriteSeedBatch(buffer, runId, new Random(i), paramCount, metricCount, 1_700_000_000_000L + i);
                await client.PostOkAsync(MlflowRoutes.RunsLogBatch, buffer.WrittenMemory);
            }
        })));
        return experimentId;
    }

    private static void WriteSeedBatch(IBufferWriter<byte> buffer, string runId, Random random, int paramCount, int metricCount, long timestamp)
    {
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteString("run_id", runId);
        json.WriteStartArray("params");
        for (var p = 0; p < paramCount; p++)
        {
            json.WriteStartObject();
            json.WriteString("key", $"p{p}");
            json.WriteString("value", $"v{random.Next(ParamValues)}");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("metrics");
        for (var m = 0; m < metricCount; m++)
        {
            json.WriteStartObject();
            json.WriteString("key", $"m{m}");
            json.WriteNumber("value", random.NextDouble());
            json.WriteNumber("timestamp", timestamp);
            json.WriteNumber("step", 0);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
