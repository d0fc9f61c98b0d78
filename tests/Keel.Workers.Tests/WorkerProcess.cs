using System.Collections.Concurrent;
using System.Diagnostics;

namespace Keel.Workers.Tests;

/// <summary><c>keel worker</c> as a separate OS process, for tests that kill it outright.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WorkerProcess(Process process, string id)
    {
        _process = process;
        Id = id;
    }

    public string Id { get; }

    public static string KeelDll => Path.Combine(AppContext.BaseDirectory, "keel.dll");

    /// <summary>What it printed so far, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output.Select(line => $"[{Id}] {line}"));

    /// <summary>Starts <c>keel worker</c> with <paramref name="args"/> and waits until it prints that it started.</summary>
    public static async Task<WorkerProcess> StartAsync(string id, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { KeelDll, "worker", "--worker-id", id }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var worker = new WorkerProcess(process, id);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => worker.Keep(e.Data, started);
        process.ErrorDataReceived += (_, e) => worker.Keep(e.Data, null);
        process.Exited += (_, _) => started.TrySetException(new InvalidOperationException($"worker {id} exited: {worker.Output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return worker;
    }

    /// <summary>SIGKILL of the worker alone (not its children): what a crash or an OOM kill looks like.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Keep(string? line, TaskCompletionSource? started)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        if (line.Contains("worker started", StringComparison.Ordinal))
        {
            started?.TrySetResult();
        }
    }
}
