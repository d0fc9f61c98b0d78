using System.Globalization;
using Keel.Testing;

namespace Keel.Benchmarks;

/// <summary>
/// Log-batch metrics/s of two Keel replicas sharing one PostgreSQL database against one replica, the same clients
/// and load in both phases. Each replica is a real <c>keel server</c> process in its own cgroup with a CPU limit, as
/// a pod with <c>resources.limits.cpu</c> is; PostgreSQL and the load generator run outside the limits. So one
/// replica is one CPU budget and two are two, and the ratio shows whether the second budget turns into throughput
/// (nothing serializes the replicas in the database path) while PostgreSQL has headroom. Each phase gets a fresh
/// database, so neither inherits the other's bigger tables.
/// </summary>
internal sealed class ReplicasBenchmark : IBenchmark
{
    private const double TargetRatio = 1.5;

    public string Name => "replicas";

    public string Summary => "runs/log-batch metrics/s of two CPU-limited keel server processes on one PostgreSQL database (KEEL_TEST_POSTGRES) vs one";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        .. PgLoad.Options,
        new("replica-millicores", 100, 0, 64_000, "CPU limit of each replica's cgroup in thousandths of a core, as Kubernetes limits.cpu (0: no limit)"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        var clients = args["clients"];
        var pattern = new MetricPattern(args["metrics-per-request"]);
        var duration = TimeSpan.FromSeconds(args["duration"]);
        var warmup = TimeSpan.FromSeconds(args["warmup"]);
        var millicores = args["replica-millicores"];
        var server = Environment.GetEnvironmentVariable(PostgresStoresHarness.ServerVariable) ?? "(unset)";
        Console.WriteLine($"replicas: {clients} clients x {pattern.MetricsPerRequest} metrics/request, {duration.TotalSeconds:0} s measured after warm-up ({ReplicaWarmup.Rule}, at least {args["warmup"]} s)");
        Console.WriteLine($"replicas: keel server processes on 127.0.0.1, each limited to {(millicores == 0 ? "nothing (no limit)" : $"{millicores} millicores")}; backend store a fresh database on {server} per phase; {Environment.ProcessorCount} cores, load average {PgLoad.LoadAverage()}");
        Console.WriteLine("load: this process (no limit), one HttpClient and connection per client, client i -> replica i mod n, run i created through replica i+1 mod n");

        CpuLimit? limit = null;
        string? notMeasurable = null;
        if (millicores > 0)
        {
            limit = CpuLimit.Find(out var why);
            if (limit is null)
            {
                notMeasurable = $"not measurable here: no writable cgroup cpu controller ({why})";
                Console.WriteLine($"{notMeasurable}; the replicas run without a limit");
            }
            else
            {
                Console.WriteLine($"limits: {limit.Description}");
            }
        }

        Console.WriteLine("one replica ...");
        var one = await PhaseAsync(1, clients, pattern, warmup, duration, limit, millicores);
        Console.WriteLine("two replicas ...");
        var two = await PhaseAsync(2, clients, pattern, warmup, duration, limit, millicores);

        var ratio = two.Rate(duration) / one.Rate(duration);
        var oneLatency = LatencySummary.Of(one.Load.Latencies);
        var twoLatency = LatencySummary.Of(two.Load.Latencies);
        var intact = one.Intact && two.Intact;
        Console.WriteLine();
        Report.Table(["measure", "one replica (reference)", "two replicas"],
        [
            ["metrics/s acknowledged", Report.Count(one.Rate(duration)), Report.Count(two.Rate(duration))],
            ["latency p50 / p99", $"{Report.Ms(oneLatency.P50)} / {Report.Ms(oneLatency.P99)}", $"{Report.Ms(twoLatency.P50)} / {Report.Ms(twoLatency.P99)}"],
            ["errors (whole load)", Errors(one.Load), Errors(two.Load)],
            ["rows stored = acknowledged", Stored(one), Stored(two)],
            ["replicas' CPU per 1000 rows", Report.Ms(one.ReplicaCpuPerThousand), Report.Ms(two.ReplicaCpuPerThousand)],
            ["replica CPU in the window (of its limit)", one.CpuUse(duration, millicores, limit), two.CpuUse(duration, millicores, limit)],
            ["throttled CFS periods", one.Throttled(limit), two.Throttled(limit)],
            ["tiered-JIT worker CPU in the window", JitText(one), JitText(two)],
            ["replicas' CPU per 1000 rows, end of unlimited warm-up", Report.Ms(one.Warmup.UnlimitedCpuPerThousand), Report.Ms(two.Warmup.UnlimitedCpuPerThousand)],
            ["warm-up", WarmupText(one.Load), WarmupText(two.Load)],
            ["load generator CPU per 1000 rows", Report.Ms(one.Load.Cpu.TotalMilliseconds * 1000 / Math.Max(1, one.Load.Acknowledged)), Report.Ms(two.Load.Cpu.TotalMilliseconds * 1000 / Math.Max(1, two.Load.Acknowledged))],
            ["load average before / after", $"{one.Load.LoadBefore} / {one.LoadAfter}", $"{two.Load.LoadBefore} / {two.LoadAfter}"],
        ]);
        var pass = ratio >= TargetRatio && one.Load.Errors == 0 && two.Load.Errors == 0 && intact;
        Report.Table(["measure", "value"],
        [
            ["ratio two / one", $"{Report.Ratio(ratio)} (target >= {Report.Ratio(TargetRatio)})"],
            ["CPU limit per replica", millicores == 0 ? "none" : limit is null ? $"{millicores} millicores asked, none applied" : $"{millicores} millicores ({limit.Description})"],
            ["cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)],
            ["result", notMeasurable is null ? Report.Verdict(pass) : $"NOT MEASURED ({notMeasurable})"],
        ]);
    }

    private static string Errors(PgLoad.Result load) => load.Errors == 0 ? "0" : $"{load.Errors}, first: {load.FirstError}";

    private static string Stored(Phase phase) => phase.Intact
        ? $"yes ({Report.Count(phase.Stored)})"
        : $"NO: {Report.Count(phase.Stored)} of {Report.Count(phase.Load.TotalAcknowledged)}";

    private static string JitText(Phase phase) => string.Join(", ", phase.Warmup.JitCpu.Select(c => Report.Ms(c.TotalMilliseconds)));

    private static string WarmupText(PgLoad.Result load) => $"{load.Warmup.TotalSeconds:0} s{(load.Settled ? "" : ", not settled at the limit")}";

    private static async Task<Phase> PhaseAsync(int count, int clients, MetricPattern pattern, TimeSpan warmup, TimeSpan duration, CpuLimit? limit, int millicores)
    {
        await using var harness = new PostgresStoresHarness("keel-bench-replicas");
        // Opening applies the migrations, so the replicas start on a ready schema; this process writes nothing else.
        await harness.OpenAsync();
        var artifacts = Path.Combine(harness.DataDirectory, "artifacts");
        var replicas = new List<ReplicaServer>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                replicas.Add(await ReplicaServer.StartAsync($"replica-{i}", harness.BackendStoreUri, artifacts, limit));
            }
            var addresses = replicas.Select(r => r.Address).ToArray();
            var runIds = await PgLoad.CreateRunsAsync(addresses, clients, $"replicas-benchmark-{count}");
            var warm = new ReplicaWarmup(replicas, millicores);
            var load = await PgLoad.RunAsync(addresses, runIds, pattern, warmup, duration, warm);
            var loadAfter = PgLoad.LoadAverage();
            var stored = Convert.ToInt64(await harness.QueryDatabaseAsync("SELECT count(*) FROM metrics"), CultureInfo.InvariantCulture);
            return new Phase(load, stored, warm, loadAfter);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private sealed record Phase(PgLoad.Result Load, long Stored, ReplicaWarmup Warmup, string LoadAfter)
    {
        public bool Intact => Stored == Load.TotalAcknowledged;

        public double ReplicaCpuPerThousand => Warmup.Cpu.Sum(c => c.TotalMilliseconds) * 1000 / Math.Max(1, Load.Acknowledged);

        public double Rate(TimeSpan duration) => Load.Acknowledged / duration.TotalSeconds;

        /// <summary>Cores each replica used on average in the window, and that as a share of its limit.</summary>
        public string CpuUse(TimeSpan duration, int millicores, CpuLimit? limit) => string.Join(", ", Warmup.Cpu.Select(cpu =>
        {
            var cores = cpu.TotalSeconds / duration.TotalSeconds;
            var share = limit is null || millicores == 0 ? "" : $" ({(cores * 1000 / millicores).ToString("P0", CultureInfo.InvariantCulture)})";
            return $"{cores.ToString("0.000", CultureInfo.InvariantCulture)} core{share}";
        }));

        public string Throttled(CpuLimit? limit) => limit is null
            ? "n/a"
            : string.Join(", ", Warmup.Throttling.Select(t => $"{Report.Count(t.Throttled)} of {Report.Count(t.Periods)}"));
    }
}
