using System.Diagnostics;
using Keel.Core.Pipelines;
using Keel.Testing;
using Keel.Workers.Quartz;

namespace Keel.Workers.Tests;

/// <summary>`keel worker` as users run it: refusals with clear messages, and a graceful stop that hands its stage on.</summary>
public sealed class WorkerCommandTests
{
    [Theory]
    [InlineData(new[] { "--backend-store-uri", "sqlite:///keel.db" }, "error: --backend-store-uri: workers need PostgreSQL; on SQLite `keel server` runs stages itself")]
    [InlineData(new string[0], "error: --backend-store-uri: workers need PostgreSQL; on SQLite `keel server` runs stages itself")]
    [InlineData(new[] { "--backend-store-uri", "postgresql://u@127.0.0.1:1/db", "--checkin-interval", "500" }, "error: Invalid value '500' for parameter '--checkin-interval': expected a duration")]
    [InlineData(new[] { "--backend-store-uri", "postgresql://u@127.0.0.1:1/db", "--checkin-interval", "0s" }, "error: --checkin-interval must be at least 1s.")]
    [InlineData(new[] { "--backend-store-uri", "postgresql://u@127.0.0.1:1/db", "--concurrency", "0" }, "error: --concurrency must be between 1 and 64.")]
    public async Task Worker_WithBadFlags_ExitsWithUsageErrorNamingTheFlag(string[] args, string expected)
    {
        using var folder = new TempDirectory("keel-worker-cli");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { WorkerProcess.KeelDll, "worker", "--data-dir", folder.Path }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith(expected, error.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public async Task SigtermedWorker_ReleasesItsRunningStage_WhichAnotherWorkerCompletes()
    {
        await using var harness = new PostgresStoresHarness("keel-worker-term");
        using var folder = new TempDirectory("keel-worker-term");
        var stores = await harness.OpenAsync();
        var artifacts = Path.Combine(folder.Path, "artifacts");
        var local = Storage.ArtifactStores.FromDestination(artifacts, folder.Path);
        // The first attempt sleeps long enough to be released however slowly the second worker starts; the next one finishes at once.
        await TestPipelines.RegisterAsync(stores.Pipelines, local, "slow", $"""
            stages:
              slow:
                cmd: echo begin >> {folder.Path}/marks.txt && if [ "$(grep -c begin {folder.Path}/marks.txt)" = 1 ]; then sleep 60; fi && echo end >> {folder.Path}/marks.txt && echo done > out.txt
                outs: [out.txt]
            """);
        string[] args = ["--backend-store-uri", harness.BackendStoreUri, "--artifacts-destination", artifacts, "--data-dir", folder.Path, "--checkin-interval", "1s"];
        await using var first = await WorkerProcess.StartAsync("t1", args, new Dictionary<string, string>());
        await using var server = await QuartzCluster.JoinAsync(
            QuartzClusterOptions.ForBackendStore(harness.BackendStoreUri) with { InstanceId = "test-server" }, null, CancellationToken.None);
        var runId = await TestPipelines.TriggerAsync(stores.Pipelines, stores.Tracking, new QuartzPipelineDispatcher(server.Scheduler), "slow");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(folder.Path, "marks.txt")) && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }
        await using var second = await WorkerProcess.StartAsync("t2", args, new Dictionary<string, string>());

        var exitCode = await first.TerminateAsync(TimeSpan.FromSeconds(10));
        var run = await TestPipelines.WaitForEndAsync(stores.Pipelines, runId, TimeSpan.FromSeconds(30), () => first.Output + Environment.NewLine + second.Output);

        Assert.Equal(0, exitCode);
        Assert.Contains("stopping: running stages are released to other workers", first.Output, StringComparison.Ordinal);
        Assert.Equal(PipelineRunStatus.Succeeded, run.Status);
        var attempts = run.Stages[0].Attempts;
        Assert.Equal(["t1", "t2"], attempts.Select(a => a.Worker));
        Assert.NotNull(attempts[0].EndedAt);
        Assert.Null(attempts[0].ExitCode);
        Assert.True(attempts[0].EndedAt <= attempts[1].StartedAt);
        // The released attempt's command was killed, not left to finish beside its successor.
        Assert.Equal(["begin", "begin", "end"], await File.ReadAllLinesAsync(Path.Combine(folder.Path, "marks.txt")));
    }
}
