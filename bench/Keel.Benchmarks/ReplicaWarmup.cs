using System.Diagnostics;

namespace Keel.Benchmarks;

/// <summary>
/// Warm-up and window readings for replicas in other processes. The replicas warm up without their CPU limit, so
/// tiered compilation settles in seconds instead of crawling along on a fraction of a core (a pod pays it once, at
/// start); warm-up lasts until their tiered-compilation workers are quiet (<see cref="ReplicaJit"/>). Then
/// each gets its limit, and the window measures the steady state a limited pod serves.
/// </summary>
internal sealed class ReplicaWarmup(IReadOnlyList<ReplicaServer> replicas, int millicores) : PgLoad.IExternalServers
{
    private static readonly TimeSpan QuietJit = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    /// <summary>In-flight requests started before the limit finish before the window opens.</summary>
    private static readonly TimeSpan AfterLimit = TimeSpan.FromSeconds(3);

    private TimeSpan[] _cpuAtOpen = [];
    private CpuLimit.Throttling[] _throttlingAtOpen = [];
    private Dictionary<int, long>[] _jitAtOpen = [];

    public static string Rule =>
        $"this process's JIT rule, then until each replica's tiered-compilation worker used under {QuietJit.TotalMilliseconds:0} ms of CPU in {Step.TotalSeconds:0} s (at most {Limit.TotalSeconds:0} s in all), then the limit and {AfterLimit.TotalSeconds:0} s more";

    /// <summary>The replicas' CPU per 1,000 rows in the last warm-up step, without their limit.</summary>
    public double UnlimitedCpuPerThousand { get; private set; }

    /// <summary>Per replica, CPU used in the window.</summary>
    public TimeSpan[] Cpu { get; private set; } = [];

    /// <summary>Per replica, CFS periods and throttled periods in the window.</summary>
    public CpuLimit.Throttling[] Throttling { get; private set; } = [];

    /// <summary>Per replica, CPU its tiered-compilation worker used in the window: near zero when warm-up did its job.</summary>
    public TimeSpan[] JitCpu { get; private set; } = [];

    public async Task<(TimeSpan Elapsed, bool Settled)> WarmUpAsync(TimeSpan minimum, Func<long> acknowledged)
    {
        var started = Stopwatch.GetTimestamp();
        var (_, settled) = await JitWarmup.WaitAsync(minimum);
        var replicasSettled = false;
        while (Stopwatch.GetElapsedTime(started) < Limit)
        {
            var (cpu, rows, jit) = (TotalCpu(), acknowledged(), JitSnapshots());
            await Task.Delay(Step);
            UnlimitedCpuPerThousand = (TotalCpu() - cpu).TotalMilliseconds * 1000 / Math.Max(1, acknowledged() - rows);
            var after = JitSnapshots();
            if (jit.Zip(after).All(j => ReplicaJit.Between(j.First, j.Second) < QuietJit))
            {
                replicasSettled = true;
                break;
            }
        }
        foreach (var replica in replicas)
        {
            replica.SetLimit(millicores);
        }
        await Task.Delay(AfterLimit);
        return (Stopwatch.GetElapsedTime(started), settled && replicasSettled);
    }

    public void WindowOpened()
    {
        _cpuAtOpen = replicas.Select(r => r.Cpu()).ToArray();
        _throttlingAtOpen = replicas.Select(r => r.ReadThrottling()).ToArray();
        _jitAtOpen = JitSnapshots();
    }

    public void WindowClosed()
    {
        Cpu = replicas.Select((r, i) => r.Cpu() - _cpuAtOpen[i]).ToArray();
        Throttling = replicas.Select((r, i) => r.ReadThrottling() - _throttlingAtOpen[i]).ToArray();
        JitCpu = JitSnapshots().Select((after, i) => ReplicaJit.Between(_jitAtOpen[i], after)).ToArray();
    }

    private Dictionary<int, long>[] JitSnapshots() => replicas.Select(r => ReplicaJit.Snapshot(r.ProcessId)).ToArray();

    private TimeSpan TotalCpu() => replicas.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Cpu());
}
