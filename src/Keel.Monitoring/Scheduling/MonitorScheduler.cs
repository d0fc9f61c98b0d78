using Keel.Core.Monitoring.Monitors;
using Keel.Monitoring.Runner;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Monitoring.Scheduling;

/// <summary>
/// Runs scheduled monitors when they fall due, on the injected clock. Each due monitor is claimed first
/// (<see cref="IMonitorStore.TryClaimRunAsync"/> moves its next run from the value read to the following cron
/// occurrence), so of several server replicas exactly one runs it. A monitor that missed occurrences (the server was
/// down) runs once, at the latest missed occurrence. Between passes it sleeps until the earliest next run, at most
/// <see cref="MonitorSchedulerOptions.PollInterval"/> (so monitors created on another replica are seen).
/// </summary>
public sealed partial class MonitorScheduler(
    IMonitorStore store, MonitorRunner runner, ICronSchedule schedule, TimeProvider time, MonitorSchedulerOptions? options = null,
    ILogger<MonitorScheduler>? logger = null) : BackgroundService
{
    private readonly MonitorSchedulerOptions _options = options ?? new MonitorSchedulerOptions();
    private readonly ILogger _logger = logger ?? NullLogger<MonitorScheduler>.Instance;

    /// <summary>Runs every monitor due now; returns the names it ran (those another replica claimed first are skipped).</summary>
    public async Task<IReadOnlyList<string>> RunDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var ran = new List<string>();
        foreach (var monitor in await store.ListMonitorsAsync(null, ct))
        {
            if (monitor.NextRunAt is not { } due || due > now.ToUnixTimeMilliseconds() || monitor.Spec.Schedule is not { } cron)
            {
                continue;
            }
            var next = schedule.NextAfter(cron, now)?.ToUnixTimeMilliseconds();
            if (!await store.TryClaimRunAsync(monitor.Spec.Name, due, next, ct))
            {
                continue;
            }
            var runAt = LatestOccurrence(cron, DateTimeOffset.FromUnixTimeMilliseconds(due), now);
            try
            {
                await runner.RunAsync(monitor.Spec, runAt, ct);
                ran.Add(monitor.Spec.Name);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // One monitor's failure (its store write, say) must not stop the others; the next occurrence retries.
                LogRunFailed(_logger, e, monitor.Spec.Name, runAt);
            }
        }
        return ran;
    }

    /// <summary>How long to sleep before the next pass: until the earliest next run, at most the poll interval, at least a second.</summary>
    public async Task<TimeSpan> DelayUntilNextAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var earliest = (await store.ListMonitorsAsync(null, ct)).Where(m => m.NextRunAt is not null).Select(m => m.NextRunAt!.Value).DefaultIfEmpty(long.MaxValue).Min();
        var wait = earliest == long.MaxValue ? _options.PollInterval : TimeSpan.FromMilliseconds(Math.Max(0, earliest - now));
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > _options.PollInterval ? _options.PollInterval : wait;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await RunDueAsync(stoppingToken);
                wait = await DelayUntilNextAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be away for a while; keep trying at the poll interval.
                LogPassFailed(_logger, e);
                wait = _options.PollInterval;
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled run of monitor {Monitor} at {RunAt} failed.")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string monitor, DateTimeOffset runAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The monitor scheduler could not read the monitors; retrying.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    // The run time is an occurrence of the schedule, so windows line up with it (a 15-minute schedule reads
    // [12:00, 12:15) at 12:15) however late the pass that runs it.
    private DateTimeOffset LatestOccurrence(string cron, DateTimeOffset due, DateTimeOffset now)
    {
        var latest = due;
        for (var next = schedule.NextAfter(cron, due); next is { } occurrence && occurrence <= now; next = schedule.NextAfter(cron, occurrence))
        {
            latest = occurrence;
        }
        return latest;
    }
}

/// <summary>Settings of the <see cref="MonitorScheduler"/>.</summary>
public sealed class MonitorSchedulerOptions
{
    /// <summary>The longest sleep between passes [default: 30 s], so monitors created or changed on another replica are picked up.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);
}
