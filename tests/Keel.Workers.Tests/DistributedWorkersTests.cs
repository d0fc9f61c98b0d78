using System.Diagnostics;
using Keel.Core.Pipelines;
using Keel.Testing;
using Keel.Workers.Quartz;
using Keel.Workers.Stages;

namespace Keel.Workers.Tests;

/// <summary>
/// Issue 8's distributed test: PostgreSQL, S3 and three `keel worker` processes share no disk; a fan-out pipeline runs
/// across them; one worker is SIGKILLed during a stage, which then completes on another worker, and no stage ever ran
/// twice at once (checked from the attempts' start and end times).
/// </summary>
public sealed class DistributedWorkersTests
{
    [Fact]
    public async Task FanOutPipeline_OneWorkerSigkilledMidStage_StageCompletesElsewhereAndNoStageRanTwiceAtOnce()
    {
        await using var harness = new PostgresStoresHarness("keel-distributed");
        await using var bucket = new S3TestBucket("keel-workers");
        using var marks = new TempDirectory("keel-distributed-marks");
        var stores = await harness.OpenAsync();
        var artifacts = bucket.OpenStore();
        await TestPipelines.RegisterAsync(stores.Pipelines, artifacts, "fanout", $$"""
            stages:
              root:
                cmd: echo base > base.txt
                deps: [seed.txt]
                outs: [base.txt]
              fan:
                foreach: [1, 2, 3, 4]
                do:
                  cmd: echo begin >> {{marks.Path}}/fan-${item}.txt && sleep 2 && echo end >> {{marks.Path}}/fan-${item}.txt && cat base.txt seed.txt > fan-${item}.txt
                  deps: [base.txt, seed.txt]
                  outs:
                    - fan-${item}.txt
              join:
                cmd: cat fan-1.txt fan-2.txt fan-3.txt fan-4.txt > joined.txt
                deps: [fan-1.txt, fan-2.txt, fan-3.txt, fan-4.txt]
                outs: [joined.txt]
            """, new Dictionary<string, string> { ["seed.txt"] = "seed\n" });
        var environment = new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = bucket.Endpoint.AbsoluteUri, ["AWS_REGION"] = "us-east-1" };
        var starting = new[] { "w1", "w2", "w3" }.Select(id => WorkerProcess.StartAsync(id,
            ["--backend-store-uri", harness.BackendStoreUri, "--artifacts-destination", bucket.Destination, "--data-dir", Path.Combine(marks.Path, id),
             "--checkin-interval", "1s"], environment)).ToList();
        var workers = await Task.WhenAll(starting);
        try
        {
            await using var server = await QuartzCluster.JoinAsync(
                QuartzClusterOptions.ForBackendStore(harness.BackendStoreUri) with { InstanceId = "test-server" }, null, CancellationToken.None);
            var runId = await TestPipelines.TriggerAsync(stores.Pipelines, stores.Tracking, new QuartzPipelineDispatcher(server.Scheduler), "fanout");

            var (victimStage, victim) = await WaitForRunningFanStageAsync(stores.Pipelines, runId, marks.Path, workers);
            var killedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            await victim.KillAsync();
            var run = await TestPipelines.WaitForEndAsync(stores.Pipelines, runId, TimeSpan.FromSeconds(40), () => Output(workers));

            Assert.True(run.Status == PipelineRunStatus.Succeeded, $"{run.Status}: {Describe(run)}{Environment.NewLine}{Output(workers)}");
            var killed = run.Stages.Single(s => s.Stage == victimStage);
            Assert.True(killed.Attempts.Count >= 2, Describe(run));
            var dead = killed.Attempts.Single(a => a.Worker == victim.Id);
            Assert.Null(dead.EndedAt);
            var rescue = killed.Attempts[^1];
            Assert.NotEqual(victim.Id, rescue.Worker);
            Assert.True(rescue.StartedAt >= killedAt, $"the recovered attempt started at {rescue.StartedAt}, before the kill at {killedAt}");
            foreach (var stage in run.Stages)
            {
                var attempts = stage.Attempts.OrderBy(a => a.Number).ToList();
                for (var i = 1; i < attempts.Count; i++)
                {
                    var previous = attempts[i - 1];
                    var previousEnd = previous.EndedAt ?? (previous.Worker == victim.Id ? killedAt : long.MaxValue);
                    Assert.True(previousEnd <= attempts[i].StartedAt,
                        $"stage {stage.Stage}: attempt {previous.Number} (until {previousEnd}) overlaps attempt {attempts[i].Number} (from {attempts[i].StartedAt})");
                }
            }
            Assert.True(run.Stages.Select(s => s.Attempts[^1].Worker).Distinct().Count() >= 2, Describe(run));
            Assert.Equal(string.Concat(Enumerable.Repeat("base\nseed\n", 4)), await TestPipelines.ReadOutAsync(artifacts, runId, "join", "joined.txt"));

            // The killed worker's command died with it (it never wrote "end"); only the rescue attempt finished.
            var victimMarks = await File.ReadAllLinesAsync(Path.Combine(marks.Path, $"{victimStage.Replace("fan@", "fan-", StringComparison.Ordinal)}.txt"));
            Assert.True(StageCommandLauncher.DiesWithWorker);
            Assert.Equal(["begin", "begin", "end"], victimMarks);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    /// <summary>A fan stage whose command has started (it wrote "begin"), and the worker running it.</summary>
    private static async Task<(string Stage, WorkerProcess Worker)> WaitForRunningFanStageAsync(IPipelineStore pipelines, string runId, string marks,
        IReadOnlyList<WorkerProcess> workers)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            var run = await pipelines.GetRunAsync(runId);
            foreach (var stage in run!.Stages.Where(s => s.Stage.StartsWith("fan@", StringComparison.Ordinal) && s.Status == StageRunStatus.Running))
            {
                var attempt = stage.Attempts[^1];
                var mark = Path.Combine(marks, $"fan-{stage.Stage[4..]}.txt");
                if (attempt.EndedAt is null && File.Exists(mark) && workers.FirstOrDefault(w => w.Id == attempt.Worker) is { } worker)
                {
                    return (stage.Stage, worker);
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"no fan stage started within 20 s{Environment.NewLine}{Output(workers)}");
    }

    private static string Describe(PipelineRun run) => string.Join("; ", run.Stages.Select(s =>
        $"{s.Stage}={s.Status} [{string.Join(", ", s.Attempts.Select(a => $"#{a.Number} {a.Worker} {a.StartedAt}-{a.EndedAt?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}"))}] {s.Message}"));

    private static string Output(IEnumerable<WorkerProcess> workers) => string.Join(Environment.NewLine, workers.Select(w => w.Output));
}
