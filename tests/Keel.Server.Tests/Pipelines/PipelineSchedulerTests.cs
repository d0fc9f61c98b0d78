using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Monitoring.Scheduling;
using Keel.Server.KeelApi;
using Keel.Storage;
using Keel.Testing;

namespace Keel.Server.Tests.Pipelines;

/// <summary>The cron scheduler on a real SQLite store with a settable clock: due pipelines run once, even with two replicas.</summary>
public sealed class PipelineSchedulerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly SqliteStoresHarness _backend = new("keel-pipeline-scheduler");
    private readonly RecordingDispatcher _dispatcher = new();
    private readonly SettableTime _time = new() { Now = T0 };
    private KeelStores _stores = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _stores = await _backend.OpenAsync();

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    private sealed class SettableTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private (PipelineService Service, PipelineScheduler Scheduler) Replica()
    {
        var tracking = new PipelineRunTracking(_stores.Tracking, _time);
        var coordinator = new PipelineRunCoordinator(_stores.Pipelines, tracking, _time, _dispatcher);
        var service = new PipelineService(_stores.Pipelines, coordinator, tracking, new CronosSchedule(), _stores.Artifacts, _time);
        return (service, new PipelineScheduler(_stores.Pipelines, service, new CronosSchedule(), _time));
    }

    [Fact]
    public async Task RunDue_TriggersADuePipelineOnce_AcrossReplicas_AndMovesItsNextRun()
    {
        var (service, first) = Replica();
        var (_, second) = Replica();
        var registered = await service.RegisterAsync(PipelineFixtures.Named("nightly", "schedule: \"0 3 * * *\"\n"), PipelineFixtures.ChainParams, null, null, Ct);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 3, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), registered.NextRunAt);

        Assert.Empty(await first.RunDueAsync(Ct));
        _time.Now = new DateTimeOffset(2026, 3, 2, 3, 0, 30, TimeSpan.Zero);
        var runs = await Task.WhenAll(first.RunDueAsync(Ct), second.RunDueAsync(Ct));

        var run = Assert.Single(runs.SelectMany(r => r));
        Assert.Equal(PipelineRunTrigger.Schedule, run.Trigger);
        Assert.Equal("0 3 * * * @ 2026-03-02T03:00Z", run.TriggerDetail);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 3, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            (await _stores.Pipelines.GetPipelineAsync("nightly", Ct))!.NextRunAt);
        Assert.Single(await _stores.Pipelines.ListRunsAsync("nightly", 10, Ct));
    }

    [Fact]
    public async Task RunDue_AfterMissedOccurrences_RunsOnce_AndSkipsUnscheduledPipelines()
    {
        var (service, scheduler) = Replica();
        await service.RegisterAsync(PipelineFixtures.Named("hourly", "schedule: \"0 * * * *\"\n"), PipelineFixtures.ChainParams, null, null, Ct);
        await service.RegisterAsync(PipelineFixtures.Named("manual"), PipelineFixtures.ChainParams, null, null, Ct);

        _time.Now = T0.AddHours(5).AddMinutes(10);
        var runs = await scheduler.RunDueAsync(Ct);
        var again = await scheduler.RunDueAsync(Ct);

        Assert.Equal("hourly", Assert.Single(runs).Pipeline);
        Assert.Empty(again);
        Assert.Empty(await _stores.Pipelines.ListRunsAsync("manual", 10, Ct));
    }
}
