using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Keel.Pipelines.Processes;

/// <summary>
/// Runs a stage's command with <c>/bin/sh -c</c> in its working directory: stdout and stderr merged line by line into
/// a log file and a line callback, a timeout that kills the whole process tree, and retries after a backoff that
/// doubles each time. Knows nothing of caches, locks or consoles, so both <c>keel run</c> and <c>keel worker</c> use it.
/// </summary>
/// <param name="time">Clock for durations, timeouts and backoff waits.</param>
public sealed class StageProcessRunner(TimeProvider time)
{
    // After the shell exits, a process it left in the background may still hold the output pipes open; the stage is
    // over, so its output is read for at most this long rather than waiting for that process to end.
    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(2);

    // How long a killed process tree gets to go away before the attempt is reported anyway.
    private static readonly TimeSpan KillWaitLimit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs the command until an attempt succeeds or <see cref="StageProcessOptions.Retries"/> extra attempts failed.
    /// Every attempt's output is appended to <paramref name="logPath"/> (created with its folder; attempts after the first
    /// start with a <c>--- attempt N ---</c> line) and passed to <paramref name="onLine"/> as it arrives.
    /// </summary>
    /// <param name="options">What to run.</param>
    /// <param name="logPath">The log file; an existing one is replaced.</param>
    /// <param name="onLine">Called for each output line (stdout and stderr alike) from a reader thread, one call at a time; may be null.</param>
    /// <param name="onAttemptEnded">Called after each attempt, before any backoff wait; may be null.</param>
    /// <param name="ct">Cancelling kills the running process tree and throws <see cref="OperationCanceledException"/>.</param>
    public async Task<StageProcessResult> RunAsync(
        StageProcessOptions options,
        string logPath,
        Action<string>? onLine = null,
        Action<StageAttemptResult>? onAttemptEnded = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Retries);
        var started = time.GetTimestamp();
        var attempts = new List<StageAttemptResult>();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        await using var log = new StreamWriter(logPath, append: false, new UTF8Encoding(false));
        for (var number = 1; ; number++)
        {
            if (number > 1)
            {
                await log.WriteLineAsync($"--- attempt {number} ---".AsMemory(), ct);
            }
            var attempt = await RunAttemptAsync(options, number, log, onLine, ct);
            attempts.Add(attempt);
            onAttemptEnded?.Invoke(attempt);
            if (attempt.Succeeded || number > options.Retries)
            {
                break;
            }
            await Task.Delay(BackoffBeforeRetry(options.RetryBackoff, number), time, ct);
        }
        return new StageProcessResult(attempts, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Runs one attempt, writing its merged output to <paramref name="log"/> (flushed when the attempt ends) and
    /// <paramref name="onLine"/>. For callers that keep one log per attempt and record attempts themselves (workers).
    /// </summary>
    public async Task<StageAttemptResult> RunAttemptAsync(StageProcessOptions options, int number, TextWriter log, Action<string>? onLine = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var started = time.GetTimestamp();
        if (!Directory.Exists(options.WorkingDirectory))
        {
            return Failed($"cannot start: working directory '{options.WorkingDirectory}' does not exist");
        }
        using var process = new Process { StartInfo = StartInfo(options), EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return Failed($"cannot start: {e.Message}");
        }
        // Commands get no input: a stage that reads stdin sees end of file instead of hanging.
        process.StandardInput.Close();
        var gate = new Lock();
        void Emit(string line)
        {
            lock (gate)
            {
                log.WriteLine(line);
                onLine?.Invoke(line);
            }
        }
        var readers = Task.WhenAll(PumpAsync(process.StandardOutput, Emit), PumpAsync(process.StandardError, Emit));

        using var timeout = options.Timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
        try
        {
            await exited.Task.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await exited.Task.WaitAsync(KillWaitLimit, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await DrainAsync(readers);
            await log.FlushAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            var message = $"timed out after {DurationText.Format(options.Timeout!.Value)}";
            Emit($"keel: {message}; killed the process tree");
            await log.FlushAsync(CancellationToken.None);
            return new StageAttemptResult(number, null, true, time.GetElapsedTime(started), message);
        }
        await DrainAsync(readers);
        await log.FlushAsync(CancellationToken.None);
        var exitCode = process.ExitCode;
        return new StageAttemptResult(number, exitCode, false, time.GetElapsedTime(started),
            exitCode == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"exit code {exitCode}"));

        StageAttemptResult Failed(string message)
        {
            log.WriteLine($"keel: {message}");
            onLine?.Invoke($"keel: {message}");
            return new StageAttemptResult(number, null, false, time.GetElapsedTime(started), message);
        }
    }

    /// <summary>The wait before retry number <paramref name="retry"/> (1 = the first retry): <paramref name="initial"/> doubled <c>retry - 1</c> times, capped at one day.</summary>
    public static TimeSpan BackoffBeforeRetry(TimeSpan initial, int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var ticks = initial.Ticks * Math.Pow(2, Math.Min(retry - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, TimeSpan.FromDays(1).Ticks));
    }

    private static ProcessStartInfo StartInfo(StageProcessOptions options)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = options.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(options.Command);
        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value;
        }
        return start;
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> emit)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            emit(line);
        }
    }

    private static async Task DrainAsync(Task readers) =>
        await readers.WaitAsync(OutputDrainLimit, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
    }
}
