using System.Globalization;

namespace Keel.Benchmarks;

/// <summary>
/// The JIT activity of another .NET process, read from /proc: the CPU of its tiered-compilation worker thread
/// (".NET Tiered Compilation Worker", cut to 15 characters in <c>comm</c>), which recompiles hot methods at
/// tier 1 in the background. While it runs, the process is still warming up; on a CPU-limited replica it also
/// spends the limit's time.
/// </summary>
internal static class ReplicaJit
{
    private const string WorkerName = ".NET Tiered Com";

    /// <summary>USER_HZ, the unit of /proc times: 100 on every Linux architecture .NET supports.</summary>
    private const int TicksPerSecond = 100;

    /// <summary>Per thread id, CPU ticks used so far by the process's tiered-compilation workers (the runtime may replace one).</summary>
    public static Dictionary<int, long> Snapshot(int processId)
    {
        var ticks = new Dictionary<int, long>();
        var tasks = $"/proc/{processId}/task";
        if (!Directory.Exists(tasks))
        {
            return ticks;
        }
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != WorkerName)
                {
                    continue;
                }
                // Fields after the parenthesised name: state is field 3, utime 14 and stime 15.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                    long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }
        return ticks;
    }

    /// <summary>CPU the workers used between two snapshots, counting threads that started in between from zero.</summary>
    public static TimeSpan Between(Dictionary<int, long> before, Dictionary<int, long> after) =>
        TimeSpan.FromSeconds((double)after.Sum(t => t.Value - before.GetValueOrDefault(t.Key)) / TicksPerSecond);
}
