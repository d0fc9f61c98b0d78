using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Keel.Testing;
using Microsoft.Data.Sqlite;

namespace Keel.Benchmarks;

/// <summary>
/// metrics/get-history of one long metric (100,000 points by default) against reading the same points with raw
/// SQL from the server's own SQLite file, timed alternately in the same run.
/// </summary>
internal sealed class HistoryBenchmark : IBenchmark
{
    private const double TargetMedianMs = 500;
    private const int PointsPerRequest = 1000;

    public string Name => "history";

    public string Summary => "metrics/get-history of one long metric vs reading the same points with raw SQL";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("points", 100_000, 1_000, 10_000_000, "points logged to one metric of one run"),
        new("iterations", 30, 1, 100_000, "timed reads per side"),
        new("warmup", 3, 0, 10_000, "minimum untimed reads per side, then until the JIT is quiet"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var points = args["points"];
        Console.WriteLine($"history: one run, one metric of {Report.Count(points)} points, {args["iterations"]} timed reads after at least {args["warmup"]} warm-up ({JitWarmup.Rule})");
        Console.WriteLine("server: in-process Kestrel on 127.0.0.1 (KeelTestServer, SQLite file in a temp dir); client: one HttpClient, same process, reads the whole JSON body");
        Console.WriteLine("reference: SELECT of the same points (step, timestamp, value) from the server's keel.db, read-only connection, prepared, alternating with the HTTP call");

        await using var server = await KeelTestServer.StartAsync();
        using var http = BenchHttp.Connect(server.BaseAddress);
        var runId = await SeedAsync(http, points);
        var route = $"metrics/get-history?run_id={runId}&metric_key=loss";

        await using var raw = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "keel.db")};Mode=ReadOnly;Pooling=False");
        await raw.OpenAsync();
        await using var command = raw.CreateCommand();
        command.CommandText = """
            SELECT m.step, m.timestamp, m.is_nan, m.value FROM metrics m
            WHERE m.run_pk = (SELECT run_pk FROM runs WHERE run_id = $run)
              AND m.key_id = (SELECT key_id FROM metric_keys WHERE key = 'loss')
            ORDER BY m.step, m.timestamp, m.is_nan, m.value
            """;
        command.Parameters.AddWithValue("$run", runId);
        command.Prepare();

        var keelTimes = new List<double>();
        var rawTimes = new List<double>();
        long keelPoints = 0, rawPoints = 0, bytes = 0;
        async Task Both()
        {
            var started = Stopwatch.GetTimestamp();
            var body = await http.GetByteArrayAsync(route);
            keelTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            bytes = body.Length;
            started = Stopwatch.GetTimestamp();
            rawPoints = ReadAll(command);
            rawTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            keelPoints = CountPoints(body);
        }
        var (warmupSteps, settled) = await JitWarmup.RunAsync(args["warmup"], Both);
        keelTimes.Clear();
        rawTimes.Clear();
        for (var i = 0; i < args["iterations"]; i++)
        {
            await Both();
        }
        var keel = LatencySummary.Of(keelTimes);
        var reference = LatencySummary.Of(rawTimes);
        var complete = keelPoints == points && rawPoints == points;
        Console.WriteLine();
        Report.Table(["measure", "value"],
        [
            ["reference: raw SQL read, median / p95", $"{Report.Ms(reference.P50)} / {Report.Ms(reference.P95)}"],
            ["Keel: metrics/get-history, median / p95", $"{Report.Ms(keel.P50)} / {Report.Ms(keel.P95)}"],
            ["ratio Keel / reference (medians)", Report.Ratio(keel.P50 / reference.P50)],
            ["points returned: Keel / raw", $"{Report.Count(keelPoints)} / {Report.Count(rawPoints)}"],
            ["response", $"{bytes / 1024.0 / 1024.0:0.0} MB of JSON"],
            ["warm-up", $"{warmupSteps} reads per side{(settled ? "" : " (JIT still busy)")}"],
            ["target", $"every point, median < {TargetMedianMs:0} ms"],
            ["result", Report.Verdict(complete && keel.P50 < TargetMedianMs)],
        ]);
    }

    private static long ReadAll(SqliteCommand command)
    {
        long count = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _ = reader.GetInt64(0) + reader.GetInt64(1) + reader.GetInt64(2) + reader.GetDouble(3);
            count++;
        }
        return count;
    }

    private static long CountPoints(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("metrics", out var metrics) ? metrics.GetArrayLength() : 0;
    }

    private static async Task<string> SeedAsync(HttpClient http, int points)
    {
        var created = await http.PostOkAsync("runs/create", JsonSerializer.SerializeToUtf8Bytes(new { experiment_id = "0", run_name = "history-benchmark" }));
        using var run = JsonDocument.Parse(created);
        var runId = run.RootElement.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var random = new Random(42);
        for (var start = 0; start < points; start += PointsPerRequest)
        {
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("run_id", runId);
                json.WriteStartArray("metrics");
                for (var step = start; step < Math.Min(points, start + PointsPerRequest); step++)
                {
                    json.WriteStartObject();
                    json.WriteString("key", "loss");
                    json.WriteNumber("value", random.NextDouble());
                    json.WriteNumber("timestamp", 1_700_000_000_000L + step);
                    json.WriteNumber("step", step);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            await http.PostOkAsync("runs/log-batch", buffer.WrittenMemory);
        }
        return runId;
    }
}
