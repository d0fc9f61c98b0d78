using System.Diagnostics;

namespace Keel.Benchmarks;

/// <summary>Scratch folders, seeded file content, folder sizes and timed external commands for the data benchmarks.</summary>
internal static class BenchFiles
{
    public static string CreateScratch(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"keel-bench-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A scratch folder left in /tmp is not worth failing a finished run.
        }
    }

    /// <summary>Writes <paramref name="size"/> bytes of seeded, incompressible content.</summary>
    public static void WriteRandom(string path, long size, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[1 << 20];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long left = size; left > 0; left -= buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer, 0, (int)Math.Min(buffer.Length, left));
        }
    }

    public static long SizeOf(string folder) =>
        Directory.Exists(folder)
            ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;

    public static bool HasCommand(string name, params string[] args)
    {
        try
        {
            Run(Environment.CurrentDirectory, name, args);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Runs a program (never through a shell) and returns its wall time; a non-zero exit throws.</summary>
    public static TimeSpan Run(string workingDirectory, string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        // Drained concurrently: a full pipe would block the child.
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        output.Wait();
        var elapsed = Stopwatch.GetElapsedTime(started);
        return process.ExitCode == 0
            ? elapsed
            : throw new InvalidOperationException($"{program} {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}: {error.Result.Trim()}");
    }

    public static string MegabytesPerSecond(long bytes, TimeSpan elapsed) =>
        Report.Count(bytes / 1e6 / elapsed.TotalSeconds) + " MB/s";
}
