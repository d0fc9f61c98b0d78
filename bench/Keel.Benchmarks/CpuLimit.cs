using System.Globalization;

namespace Keel.Benchmarks;

/// <summary>
/// A writable cgroup CPU controller, v2 (<c>cpu.max</c>) or v1 (<c>cpu.cfs_quota_us</c>): what a container runtime
/// uses to enforce a Kubernetes pod's <c>resources.limits.cpu</c>, here applied to one process of this machine.
/// </summary>
internal sealed class CpuLimit
{
    /// <summary>The CFS period Kubernetes uses; a quota of m millicores is m × 100 µs per period.</summary>
    private const int PeriodMicroseconds = 100_000;

    private readonly string _root;
    private readonly bool _v2;

    private CpuLimit(string root, bool v2)
    {
        _root = root;
        _v2 = v2;
    }

    public string Description => _v2 ? $"cgroup v2 cpu.max under {_root}" : $"cgroup v1 cpu.cfs_quota_us under {_root}";

    /// <summary>The first controller where a child group can be made and limited, or null and why none could.</summary>
    public static CpuLimit? Find(out string why)
    {
        var reasons = new List<string>();
        var mounts = File.Exists("/proc/mounts") ? File.ReadAllLines("/proc/mounts") : [];
        foreach (var fields in mounts.Select(line => line.Split(' ')).Where(f => f.Length >= 4))
        {
            var (path, type, options) = (fields[1], fields[2], fields[3].Split(','));
            var candidate = type switch
            {
                "cgroup2" => new CpuLimit(path, v2: true),
                "cgroup" when options.Contains("cpu") => new CpuLimit(path, v2: false),
                _ => null,
            };
            if (candidate is null)
            {
                continue;
            }
            if (candidate.Probe() is { } problem)
            {
                reasons.Add($"{candidate.Description}: {problem}");
                continue;
            }
            why = "";
            return candidate;
        }
        why = reasons.Count == 0 ? "/proc/mounts lists neither a cgroup v2 file system nor a cgroup v1 cpu hierarchy" : string.Join("; ", reasons);
        return null;
    }

    /// <summary>A new empty group without a limit; the caller moves a process in and limits it later.</summary>
    public CpuGroup Create(string name)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(path);
        return new CpuGroup(path, _v2);
    }

    private string? Probe()
    {
        try
        {
            if (_v2)
            {
                var controllers = Path.Combine(_root, "cgroup.controllers");
                if (!File.Exists(controllers) || !File.ReadAllText(controllers).Split(' ', '\n').Contains("cpu"))
                {
                    return "no cpu controller (it may be bound to a v1 hierarchy)";
                }
                var subtree = Path.Combine(_root, "cgroup.subtree_control");
                if (!File.ReadAllText(subtree).Split(' ', '\n').Contains("cpu"))
                {
                    File.WriteAllText(subtree, "+cpu");
                }
            }
            using var group = Create($"keel-bench-probe-{Environment.ProcessId}");
            group.SetLimit(250);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>One cgroup: the processes moved into it share its CPU quota.</summary>
    internal sealed class CpuGroup(string path, bool v2) : IDisposable
    {
        public string Path { get; } = path;

        public void Add(int processId) =>
            File.WriteAllText(System.IO.Path.Combine(Path, "cgroup.procs"), processId.ToString(CultureInfo.InvariantCulture));

        /// <summary>At most <paramref name="millicores"/> thousandths of a core per period; 0 lifts the limit.</summary>
        public void SetLimit(int millicores)
        {
            var quota = millicores == 0 ? null : (millicores * (PeriodMicroseconds / 1000)).ToString(CultureInfo.InvariantCulture);
            if (v2)
            {
                File.WriteAllText(System.IO.Path.Combine(Path, "cpu.max"), $"{quota ?? "max"} {PeriodMicroseconds}");
            }
            else
            {
                File.WriteAllText(System.IO.Path.Combine(Path, "cpu.cfs_period_us"), PeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
                File.WriteAllText(System.IO.Path.Combine(Path, "cpu.cfs_quota_us"), quota ?? "-1");
            }
        }

        /// <summary>CFS periods so far, and how many of them ran out of quota (the process waited for the next).</summary>
        public Throttling ReadThrottling()
        {
            var stat = File.ReadAllLines(System.IO.Path.Combine(Path, "cpu.stat"))
                .Select(line => line.Split(' '))
                .Where(f => f.Length == 2)
                .ToDictionary(f => f[0], f => long.Parse(f[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
            return new Throttling(stat.GetValueOrDefault("nr_periods"), stat.GetValueOrDefault("nr_throttled"));
        }

        /// <summary>Removes the group; the kernel refuses while a process is in it, so its processes must have ended.</summary>
        public void Dispose()
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.Delete(Path);
                    return;
                }
                catch (DirectoryNotFoundException)
                {
                    return;
                }
                catch (IOException) when (attempt < 50)
                {
                    // A killed process leaves its group a moment after it is reaped.
                    Thread.Sleep(100);
                }
                catch (IOException e)
                {
                    Console.Error.WriteLine($"warning: could not remove cgroup {Path}: {e.Message}");
                    return;
                }
            }
        }
    }

    internal readonly record struct Throttling(long Periods, long Throttled)
    {
        public static Throttling operator -(Throttling after, Throttling before) => new(after.Periods - before.Periods, after.Throttled - before.Throttled);
    }
}
