using System.Diagnostics;
using Keel.Pipelines.Processes;
using Keel.Testing;

namespace Keel.Pipelines.Tests.Processes;

public sealed class StageProcessRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new("keel-runner");
    private readonly StageProcessRunner _runner = new(TimeProvider.System);

    public void Dispose() => _dir.Dispose();

    private string LogPath => Path.Combine(_dir.Path, "logs", "stage.log");

    private StageProcessOptions Options(string cmd) => new() { Command = cmd, WorkingDirectory = _dir.Path };

    [Fact]
    public async Task RunAsync_MergesStdoutAndStderrIntoLogAndCallback()
    {
        var lines = new List<string>();
        var result = await _runner.RunAsync(Options("echo out; echo err 1>&2; echo again"), LogPath, lines.Add, ct: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal(0, result.ExitCode);
        Assert.Single(result.Attempts);
        Assert.Equal(["again", "err", "out"], lines.Order(StringComparer.Ordinal));
        Assert.Equal(["again", "err", "out"], File.ReadAllLines(LogPath).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RunsInWorkingDirectoryWithEnvironment()
    {
        var sub = Directory.CreateDirectory(Path.Combine(_dir.Path, "sub")).FullName;
        var options = Options("printf '%s' \"$GREETING\" > out.txt") with
        {
            WorkingDirectory = sub,
            Environment = new Dictionary<string, string> { ["GREETING"] = "hello stage" },
        };

        var result = await _runner.RunAsync(options, LogPath, ct: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal("hello stage", await File.ReadAllTextAsync(Path.Combine(sub, "out.txt"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_FailsWithExitCode()
    {
        var result = await _runner.RunAsync(Options("echo boom; exit 3"), LogPath, ct: TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("exit code 3", result.Message);
        Assert.Contains("boom", File.ReadAllLines(LogPath));
    }

    [Fact]
    public async Task RunAsync_FailsTwiceThenSucceeds_RetriesWithDoublingBackoff()
    {
        // Each attempt appends to a counter; the third one succeeds.
        var options = Options("echo x >> count; test $(wc -l < count) -ge 3") with { Retries = 3, RetryBackoff = TimeSpan.FromMilliseconds(100) };
        var ended = new List<StageAttemptResult>();

        var result = await _runner.RunAsync(options, LogPath, onAttemptEnded: ended.Add, ct: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal([1, 2, 3], result.Attempts.Select(a => a.Number));
        Assert.Equal([false, false, true], result.Attempts.Select(a => a.Succeeded));
        Assert.Equal(result.Attempts, ended);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir.Path, "count")).Length);
        // 100 ms before the second attempt, 200 ms before the third.
        Assert.True(result.Duration >= TimeSpan.FromMilliseconds(300), $"took {result.Duration}");
        Assert.Contains("--- attempt 3 ---", File.ReadAllLines(LogPath));
    }

    [Fact]
    public async Task RunAsync_AlwaysFailing_StopsAfterRetries()
    {
        var options = Options("echo x >> count; exit 1") with { Retries = 2, RetryBackoff = TimeSpan.FromMilliseconds(10) };

        var result = await _runner.RunAsync(options, LogPath, ct: TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Equal(3, result.Attempts.Count);
        Assert.Equal("exit code 1 (3 attempts)", result.Message);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir.Path, "count")).Length);
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsProcessTreeAndFails()
    {
        // The shell starts a child that would outlive a plain kill of the shell.
        var options = Options("sleep 30 & echo $! > child.pid; wait") with { Timeout = TimeSpan.FromMilliseconds(500) };
        var clock = Stopwatch.StartNew();

        var result = await _runner.RunAsync(options, LogPath, ct: TestContext.Current.CancellationToken);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.False(result.Succeeded);
        Assert.True(result.Attempts[0].TimedOut);
        Assert.Null(result.ExitCode);
        Assert.Equal("timed out after 500ms", result.Message);
        var childPid = int.Parse(File.ReadAllText(Path.Combine(_dir.Path, "child.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await ExitsWithinAsync(childPid, TimeSpan.FromSeconds(5)), "the stage's child process survived the timeout");
    }

    [Fact]
    public async Task RunAsync_Cancelled_KillsProcessAndThrows()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runner.RunAsync(Options("sleep 30"), LogPath, ct: cts.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_MissingWorkingDirectory_FailsWithoutRunning()
    {
        var result = await _runner.RunAsync(Options("true") with { WorkingDirectory = Path.Combine(_dir.Path, "nope") }, LogPath, ct: TestContext.Current.CancellationToken);

        Assert.False(result.Succeeded);
        Assert.Contains("does not exist", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BackgroundProcessHoldingOutput_DoesNotHangTheStage()
    {
        var clock = Stopwatch.StartNew();

        var result = await _runner.RunAsync(Options("echo started; (sleep 20 &) ; true"), LogPath, ct: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(4, 8000)]
    public void BackoffBeforeRetry_Doubles(int retry, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), StageProcessRunner.BackoffBeforeRetry(TimeSpan.FromSeconds(1), retry));

    [Theory]
    [InlineData(600_000, "10m")]
    [InlineData(30_000, "30s")]
    [InlineData(500, "500ms")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(1_200, "1.2s")]
    public void DurationText_Format_WritesKeelYamlDurations(int ms, string expected) =>
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromMilliseconds(ms)));

    private static async Task<bool> ExitsWithinAsync(int pid, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z")
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }
}
