using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;
using Keel.Monitoring.Runner;
using Keel.Monitoring.Scheduling;
using Keel.Monitoring.Tests.Runner;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Monitoring.Tests.Scheduling;

/// <summary>The scheduler on a fake clock over a real SQLite store: nothing sleeps, time moves when the test says.</summary>
public sealed class MonitorSchedulerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = MonitorWorld.T0;

    private MonitorWorld _world = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _world = await MonitorWorld.StartAsync(T0.AddMinutes(1));

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    private MonitorScheduler NewScheduler() => new(
        _world.Stores.Monitors, _world.Runner, _world.Get<ICronSchedule>(), _world.Time, new MonitorSchedulerOptions { PollInterval = TimeSpan.FromMinutes(1) });

    private Task<StoredMonitor> CreateAsync(string name, string? schedule) => _world.Monitors.CreateAsync(new MonitorSpec(
        name, "churn", MonitorReference.TrainingData, TimeSpan.FromMinutes(5), schedule, [], new Dictionary<string, DriftOptions>(), 0.5, null, "prediction", null, [], []), Ct);

    [Fact]
    public async Task Create_ComputesTheNextOccurrenceOnTheInjectedClock()
    {
        var monitor = await CreateAsync("every-5", "*/5 * * * *");

        Assert.Equal(T0.AddMinutes(5).ToUnixTimeMilliseconds(), monitor.NextRunAt);
    }

    [Fact]
    public async Task RunDue_RunsOnlyWhenDueAtTheScheduledTimeAndMovesTheNextRun()
    {
        await CreateAsync("every-5", "*/5 * * * *");
        await CreateAsync("on-demand", null);
        var scheduler = NewScheduler();

        var early = await scheduler.RunDueAsync(Ct);
        _world.Time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(20));
        var due = await scheduler.RunDueAsync(Ct);
        var again = await scheduler.RunDueAsync(Ct);

        Assert.Empty(early);
        Assert.Equal(["every-5"], due);
        Assert.Empty(again);
        var result = await _world.Monitors.GetLatestResultAsync("every-5", Ct);
        Assert.Equal(T0.AddMinutes(5), result!.RunAt);
        Assert.Equal((T0, T0.AddMinutes(5)), (result.WindowStart, result.WindowEnd));
        Assert.Equal(T0.AddMinutes(10).ToUnixTimeMilliseconds(), (await _world.Monitors.GetAsync("every-5", Ct)).NextRunAt);
        Assert.Null(await _world.Monitors.GetLatestResultAsync("on-demand", Ct));
    }

    [Fact]
    public async Task RunDue_AfterMissedOccurrences_RunsOnceAtTheLatestOne()
    {
        await CreateAsync("every-5", "*/5 * * * *");
        _world.Time.Advance(TimeSpan.FromMinutes(31));

        var ran = await NewScheduler().RunDueAsync(Ct);

        Assert.Single(ran);
        var results = await _world.Monitors.ListResultsAsync("every-5", null, null, Ct);
        Assert.Equal(T0.AddMinutes(30), Assert.Single(results).RunAt);
        Assert.Equal(T0.AddMinutes(35).ToUnixTimeMilliseconds(), (await _world.Monitors.GetAsync("every-5", Ct)).NextRunAt);
    }

    [Fact]
    public async Task RunDue_TwoReplicasAtOnce_RunEachDueMonitorOnce()
    {
        for (var i = 0; i < 4; i++)
        {
            await CreateAsync($"m{i}", "*/5 * * * *");
        }
        _world.Time.Advance(TimeSpan.FromMinutes(5));

        var runs = await Task.WhenAll(Task.Run(() => NewScheduler().RunDueAsync(Ct), Ct), Task.Run(() => NewScheduler().RunDueAsync(Ct), Ct));

        Assert.Equal(["m0", "m1", "m2", "m3"], runs.SelectMany(r => r).Order(StringComparer.Ordinal));
        for (var i = 0; i < 4; i++)
        {
            Assert.Single(await _world.Monitors.ListResultsAsync($"m{i}", null, null, Ct));
        }
    }

    [Fact]
    public async Task DelayUntilNext_IsTheTimeToTheEarliestRunCappedByThePollInterval()
    {
        await CreateAsync("every-5", "*/5 * * * *");
        var scheduler = NewScheduler();

        var capped = await scheduler.DelayUntilNextAsync(Ct);
        _world.Time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(30));
        var close = await scheduler.DelayUntilNextAsync(Ct);

        Assert.Equal(TimeSpan.FromMinutes(1), capped);
        Assert.Equal(TimeSpan.FromSeconds(30), close);
    }

    [Fact]
    public async Task BackgroundLoop_RunsADueMonitorWhenTheFakeClockReachesIt()
    {
        await CreateAsync("every-5", "*/5 * * * *");
        using var scheduler = NewScheduler();
        await scheduler.StartAsync(Ct);

        // Move the clock a minute at a time until the loop has run the monitor: the loop's timers fire only on Advance.
        for (var minute = 0; minute < 30 && _world.Observed.Count == 0; minute++)
        {
            _world.Time.Advance(TimeSpan.FromMinutes(1));
            await WaitForAsync(() => _world.Observed.Count > 0 || minute < 4, TimeSpan.FromSeconds(2));
        }
        await scheduler.StopAsync(Ct);

        var result = Assert.Single(_world.Observed);
        Assert.Equal(T0.AddMinutes(5), result.RunAt);
    }

    // Waits for the loop's continuation on the thread pool (not for time to pass on the fake clock).
    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (!condition() && Environment.TickCount64 < deadline)
        {
            await Task.Yield();
        }
    }
}
