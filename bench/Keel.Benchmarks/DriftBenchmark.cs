using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Benchmarks;

/// <summary>
/// Drift of a large current window against a reference, numeric features only: Keel's FeatureDrift (normed
/// Wasserstein, Evidently's default above 1000 reference rows, and Kolmogorov–Smirnov) against scipy's functions over
/// the same arrays, which bench/scripts/drift_scipy.py loads from the raw float64 files this benchmark writes.
/// </summary>
internal sealed class DriftBenchmark : IBenchmark
{
    private const string Python = "/usr/bin/python3";
    private const string Script = "bench/scripts/drift_scipy.py";

    public string Name => "drift";

    public string Summary => "drift of 1,000,000 rows x 20 numeric features vs a 100,000-row reference: Keel vs scipy on the same arrays";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("rows", 1_000_000, 1_000, 50_000_000, "rows in the current window, per feature"),
        new("reference-rows", 100_000, 1_001, 50_000_000, "rows in the reference, per feature (> 1000 makes Wasserstein the default)"),
        new("features", 20, 1, 500, "numeric features"),
        new("repeats", 3, 1, 20, "timed runs per side; the best is reported"),
    ];

    public Task RunAsync(BenchmarkArgs args)
    {
        var script = FindScript();
        var scratch = BenchFiles.CreateScratch("drift");
        try
        {
            int rows = args["rows"], referenceRows = args["reference-rows"], features = args["features"], repeats = args["repeats"];
            Console.WriteLine($"drift: {features} numeric features, current {Report.Count(rows)} rows, reference {Report.Count(referenceRows)} rows, " +
                $"seeded normal data (every 4th feature shifted by 0.2 sd), best of {repeats} runs per side");
            var (reference, current) = Generate(rows, referenceRows, features, scratch);
            Console.WriteLine($"keel: FeatureDrift.EvaluateAll (Parallel.For over features, {Environment.ProcessorCount} cores; drops missing values, radix-sorts once per column, merge-walks, also builds the report histograms)");
            Console.WriteLine($"reference: {Python} {Script} — scipy.stats.wasserstein_distance / np.std and scipy.stats.ks_2samp per feature, single-threaded as scipy is");

            Warm(reference, current);
            var ksOptions = new DriftOptions(DriftMethod.KolmogorovSmirnov);
            var wasserstein = Best(repeats, () => FeatureDrift.EvaluateAll(reference, current));
            var ks = Best(repeats, () => FeatureDrift.EvaluateAll(reference, current, _ => ksOptions));
            if (wasserstein.Results.Any(r => r.Method != DriftMethod.Wasserstein || r.Problem is not null))
            {
                throw new InvalidOperationException("the default method was not normed Wasserstein for every feature");
            }

            var scipy = RunScipy(script, scratch, features, repeats);
            if (scipy is null)
            {
                Console.WriteLine($"{Python} with scipy is not available (apt-get install python3-scipy); only Keel's times are printed.");
                Console.WriteLine($"keel: normed Wasserstein {Report.Ms(wasserstein.Wall.TotalMilliseconds)}, KS {Report.Ms(ks.Wall.TotalMilliseconds)}");
                return Task.CompletedTask;
            }
            var root = scipy.RootElement;
            Console.WriteLine($"scipy {root.GetProperty("scipy").GetString()}, numpy {root.GetProperty("numpy").GetString()}");
            Console.WriteLine($"agreement with scipy (max |difference| over features): normed Wasserstein {MaxDifference(root, "wasserstein_normed", wasserstein.Results, r => r.Score!.Value):E1}, " +
                $"KS statistic {MaxDifference(root, "ks_statistic", ks.Results, r => r.Statistic!.Value):E1}, KS p-value {MaxDifference(root, "ks_pvalue", ks.Results, r => r.PValue!.Value):E1}");
            Console.WriteLine($"features drifted (normed Wasserstein >= 0.1): {wasserstein.Results.Count(r => r.Drifted)} of {features}; (KS p < 0.05): {ks.Results.Count(r => r.Drifted)} of {features}");
            Console.WriteLine("wall = elapsed time (what a monitor waits); cpu = processor time of the process, all threads (steadier on a busy machine)");
            Console.WriteLine();

            var scipyWasserstein = (Wall: root.GetProperty("wasserstein_seconds").GetDouble() * 1000, Cpu: root.GetProperty("wasserstein_cpu_seconds").GetDouble() * 1000);
            var scipyKs = (Wall: root.GetProperty("ks_seconds").GetDouble() * 1000, Cpu: root.GetProperty("ks_cpu_seconds").GetDouble() * 1000);
            Report.Table(["statistic", "keel wall", "keel cpu", "scipy wall", "scipy cpu", "scipy ÷ keel wall", "scipy ÷ keel cpu"],
            [
                Row("normed Wasserstein (default)", wasserstein, scipyWasserstein),
                Row("Kolmogorov–Smirnov", ks, scipyKs),
            ]);
            var ratio = Math.Min(scipyWasserstein.Wall / wasserstein.Wall.TotalMilliseconds, scipyKs.Wall / ks.Wall.TotalMilliseconds);
            var cpuRatio = Math.Min(scipyWasserstein.Cpu / wasserstein.Cpu.TotalMilliseconds, scipyKs.Cpu / ks.Cpu.TotalMilliseconds);
            Console.WriteLine($"scipy ÷ keel, wall time (the smaller of the two) {Report.Ratio(ratio)} (target > 1): {Report.Verdict(ratio > 1)}; cpu time {Report.Ratio(cpuRatio)}");
        }
        finally
        {
            BenchFiles.DeleteQuietly(scratch);
        }
        return Task.CompletedTask;
    }

    private static List<string> Row(string name, Timing keel, (double Wall, double Cpu) scipyMs) =>
        [name, Report.Ms(keel.Wall.TotalMilliseconds), Report.Ms(keel.Cpu.TotalMilliseconds), Report.Ms(scipyMs.Wall), Report.Ms(scipyMs.Cpu),
            Report.Ratio(scipyMs.Wall / keel.Wall.TotalMilliseconds), Report.Ratio(scipyMs.Cpu / keel.Cpu.TotalMilliseconds)];

    private static (FeatureValues[] Reference, FeatureValues[] Current) Generate(int rows, int referenceRows, int features, string folder)
    {
        var reference = new FeatureValues[features];
        var current = new FeatureValues[features];
        for (var f = 0; f < features; f++)
        {
            var random = new Random(1000 + f);
            var scale = 1 + f % 3;
            var referenceValues = Normal(random, referenceRows, 10.0 * f, scale);
            var currentValues = Normal(random, rows, 10.0 * f + (f % 4 == 0 ? 0.2 * scale : 0), scale);
            File.WriteAllBytes(Path.Combine(folder, $"reference_{f}.f64"), LittleEndian(referenceValues));
            File.WriteAllBytes(Path.Combine(folder, $"current_{f}.f64"), LittleEndian(currentValues));
            reference[f] = FeatureValues.Numeric($"f{f}", referenceValues);
            current[f] = FeatureValues.Numeric($"f{f}", currentValues);
        }
        return (reference, current);
    }

    private static double[] Normal(Random random, int n, double mean, double sd)
    {
        var values = new double[n];
        for (var i = 0; i < n; i += 2)
        {
            // Box–Muller: two normals per pair of uniforms.
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var angle = 2 * Math.PI * random.NextDouble();
            values[i] = mean + sd * radius * Math.Cos(angle);
            if (i + 1 < n)
            {
                values[i + 1] = mean + sd * radius * Math.Sin(angle);
            }
        }
        return values;
    }

    private static byte[] LittleEndian(double[] values) =>
        BitConverter.IsLittleEndian ? MemoryMarshal.AsBytes(values.AsSpan()).ToArray() : throw new InvalidOperationException("big-endian machines are not supported");

    private static void Warm(FeatureValues[] reference, FeatureValues[] current)
    {
        var smallReference = reference.Select(r => FeatureValues.Numeric(r.Name, r.Numbers![..Math.Min(5000, r.Count)])).ToArray();
        var smallCurrent = current.Select(c => FeatureValues.Numeric(c.Name, c.Numbers![..Math.Min(20000, c.Count)])).ToArray();
        FeatureDrift.EvaluateAll(smallReference, smallCurrent);
        FeatureDrift.EvaluateAll(smallReference, smallCurrent, _ => new DriftOptions(DriftMethod.KolmogorovSmirnov));
    }

    private sealed record Timing(TimeSpan Wall, TimeSpan Cpu, IReadOnlyList<FeatureDriftResult> Results);

    /// <summary>Best wall time and best processor time over the runs (each minimum on its own).</summary>
    private static Timing Best(int repeats, Func<IReadOnlyList<FeatureDriftResult>> run)
    {
        TimeSpan wall = TimeSpan.MaxValue, cpu = TimeSpan.MaxValue;
        IReadOnlyList<FeatureDriftResult> results = [];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeats; i++)
        {
            GC.Collect();
            process.Refresh();
            var cpuStarted = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            results = run();
            var elapsed = Stopwatch.GetElapsedTime(started);
            process.Refresh();
            var cpuElapsed = process.TotalProcessorTime - cpuStarted;
            wall = elapsed < wall ? elapsed : wall;
            cpu = cpuElapsed < cpu ? cpuElapsed : cpu;
        }
        return new Timing(wall, cpu, results);
    }

    private static double MaxDifference(JsonElement root, string property, IReadOnlyList<FeatureDriftResult> results, Func<FeatureDriftResult, double> value) =>
        root.GetProperty(property).EnumerateArray().Select((e, i) => Math.Abs(e.GetDouble() - value(results[i]))).Max();

    private static string FindScript()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, Script);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"{Script} not found above {Environment.CurrentDirectory}; run from the repository");
    }

    private static JsonDocument? RunScipy(string script, string folder, int features, int repeats)
    {
        if (!File.Exists(Python))
        {
            return null;
        }
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { script, folder, features.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {Python}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            return error.Result.Contains("No module named 'scipy'", StringComparison.Ordinal)
                ? null
                : throw new InvalidOperationException($"{Python} {script} exited {process.ExitCode}: {error.Result.Trim()}");
        }
        return JsonDocument.Parse(output);
    }
}
