using System.Diagnostics;
using System.Runtime;

namespace Keel.Benchmarks;

/// <summary>
/// Tiered compilation keeps recompiling hot code for a long time under load on a small machine (about 20 s and
/// ~8,000 methods on 2 busy cores, seen with perf): measuring before it settles times the JIT, not Keel. So
/// warm-up lasts at least the time or steps asked for, and then until the JIT has been quiet for a while.
/// </summary>
internal static class JitWarmup
{
    private const int QuietMethods = 10;
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static string Rule => $"until fewer than {QuietMethods} methods JIT-compiled in {QuietPeriod.TotalSeconds:0} s, at most {Limit.TotalSeconds:0} s";

    public static (long Methods, TimeSpan Time) Snapshot() => (JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime());

    /// <summary>Waits while load runs elsewhere. Settled is false when the limit cut the warm-up short.</summary>
    public static Task<(TimeSpan Elapsed, bool Settled)> WaitAsync(TimeSpan minimum) =>
        WarmAsync(async first => await Task.Delay(first ? minimum : TimeSpan.FromMilliseconds(100)));

    /// <summary>Runs <paramref name="step"/> at least <paramref name="minimum"/> times, then until the JIT is quiet.</summary>
    public static async Task<(int Steps, bool Settled)> RunAsync(int minimum, Func<Task> step)
    {
        var steps = 0;
        var (_, settled) = await WarmAsync(async first =>
        {
            for (var i = 0; i < (first ? minimum : 1); i++, steps++)
            {
                await step();
            }
        });
        return (steps, settled);
    }

    private static async Task<(TimeSpan Elapsed, bool Settled)> WarmAsync(Func<bool, Task> work)
    {
        var started = Stopwatch.GetTimestamp();
        await work(true);
        var quietSince = (Time: Stopwatch.GetTimestamp(), Methods: JitInfo.GetCompiledMethodCount());
        while (Stopwatch.GetElapsedTime(started) < Limit)
        {
            await work(false);
            var now = Stopwatch.GetTimestamp();
            var methods = JitInfo.GetCompiledMethodCount();
            if (methods - quietSince.Methods >= QuietMethods)
            {
                quietSince = (now, methods);
            }
            else if (Stopwatch.GetElapsedTime(quietSince.Time, now) >= QuietPeriod)
            {
                return (Stopwatch.GetElapsedTime(started), true);
            }
        }
        return (Stopwatch.GetElapsedTime(started), false);
    }
}
