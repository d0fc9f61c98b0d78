using System.Globalization;
using Keel.Storage;
using Keel.Testing;

namespace Keel.Benchmarks;

/// <summary>
/// Log-batch metrics/s of two Keel replicas sharing one PostgreSQL database against one replica, the same clients
/// and load in both phases. Each phase gets a fresh database, so neither inherits the other's bigger tables. Both
/// replicas run in this process, each with its own stores and connection pool, as two pods would have.
/// </summary>
internal sealed class ReplicasBenchmark : IBenchmark
{
    private const double TargetRatio = 1.5;

    public string Name => "replicas";

    public string Summary => "runs/log-batch metrics/s of two replicas on one PostgreSQL database (KEEL_TEST_POSTGRES) vs one replica";

    public IReadOnlyList<IntOption> Options { get; } = PgLoad.Options;

    public async Task RunAsync(BenchmarkArgs args)
    {
        var clients = args["clients"];
        var pattern = new MetricPattern(args["metrics-per-request"]);
        var duration = TimeSpan.FromSeconds(args["duration"]);
        var warmup = TimeSpan.FromSeconds(args["warmup"]);
        PgLoad.PrintSetup("replicas", clients, pattern, duration, args["warmup"]);
        Console.WriteLine("phases: one replica, then two (client i -> replica i mod 2), each on its own fresh database");

        Console.WriteLine("one replica ...");
        var (one, oneStored) = await PhaseAsync(1, clients, pattern, warmup, duration);
        GC.Collect();
        Console.WriteLine("two replicas ...");
        var (two, twoStored) = await PhaseAsync(2, clients, pattern, warmup, duration);

        var oneRate = one.Acknowledged / duration.TotalSeconds;
        var twoRate = two.Acknowledged / duration.TotalSeconds;
        var ratio = twoRate / oneRate;
        var oneLatency = LatencySummary.Of(one.Latencies);
        var twoLatency = LatencySummary.Of(two.Latencies);
        var intact = oneStored == one.TotalAcknowledged && twoStored == two.TotalAcknowledged;
        Console.WriteLine();
        Report.Table(["measure", "one replica (reference)", "two replicas"],
        [
            ["metrics/s acknowledged", Report.Count(oneRate), Report.Count(twoRate)],
            ["latency p50 / p99", $"{Report.Ms(oneLatency.P50)} / {Report.Ms(oneLatency.P99)}", $"{Report.Ms(twoLatency.P50)} / {Report.Ms(twoLatency.P99)}"],
            ["errors (whole load)", Errors(one), Errors(two)],
            ["rows stored = acknowledged", Stored(oneStored, one), Stored(twoStored, two)],
            // The replicas, the clients and PostgreSQL share this machine's cores: CPU per row shows where time went.
            ["this process's CPU per 1000 rows", Report.Ms(one.Cpu.TotalMilliseconds * 1000 / Math.Max(1, one.Acknowledged)), Report.Ms(two.Cpu.TotalMilliseconds * 1000 / Math.Max(1, two.Acknowledged))],
            ["load average at start", one.LoadBefore, two.LoadBefore],
        ]);
        Report.Table(["measure", "value"],
        [
            ["ratio two / one", $"{Report.Ratio(ratio)} (target >= {Report.Ratio(TargetRatio)})"],
            ["cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)],
            ["result", Report.Verdict(ratio >= TargetRatio && one.Errors == 0 && two.Errors == 0 && intact)],
        ]);
    }

    private static string Errors(PgLoad.Result load) => load.Errors == 0 ? "0" : $"{load.Errors}, first: {load.FirstError}";

    private static string Stored(long stored, PgLoad.Result load) =>
        stored == load.TotalAcknowledged ? $"yes ({Report.Count(stored)})" : $"NO: {Report.Count(stored)} of {Report.Count(load.TotalAcknowledged)}";

    private static async Task<(PgLoad.Result Load, long Stored)> PhaseAsync(int replicas, int clients, MetricPattern pattern, TimeSpan warmup, TimeSpan duration)
    {
        await using var harness = new PostgresStoresHarness("keel-bench-replicas");
        var stores = new List<KeelStores> { await harness.OpenAsync() };
        var servers = new List<PgReplica>();
        try
        {
            // Further replicas open their own stores on the same database: their own pool, migrations already applied.
            for (var i = 1; i < replicas; i++)
            {
                stores.Add(await KeelStorage.OpenAsync(new StorageOptions(harness.DataDirectory, harness.BackendStoreUri), TimeProvider.System));
            }
            foreach (var replicaStores in stores)
            {
                servers.Add(await PgReplica.StartAsync(replicaStores));
            }
            var addresses = servers.Select(s => s.Address).ToArray();
            var runIds = await PgLoad.CreateRunsAsync(addresses, clients, $"replicas-benchmark-{replicas}");
            var load = await PgLoad.RunAsync(addresses, runIds, pattern, warmup, duration);
            var stored = Convert.ToInt64(await harness.QueryDatabaseAsync("SELECT count(*) FROM metrics"), CultureInfo.InvariantCulture);
            return (load, stored);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
            // The first stores belong to the harness, which disposes them.
            foreach (var extra in stores.Skip(1))
            {
                await extra.DisposeAsync();
            }
        }
    }
}
