using System.Globalization;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Server.KeelApi;

/// <summary>
/// Triggers scheduled pipelines when they fall due, on the injected clock. Each due pipeline is claimed first
/// (<see cref="IPipelineStore.TryClaimScheduleAsync"/> moves its next run from the value read to the following cron
/// occurrence), so of several server replicas exactly one triggers it. A pipeline that missed occurrences (the server was
/// down) runs once. Between passes it sleeps until the earliest next run, at most <see cref="PollInterval"/>.
/// </summary>
public sealed partial class PipelineScheduler(
    IPipelineStore store, PipelineService pipelines, ICronSchedule schedule, TimeProvider time, ILogger<PipelineScheduler>? logger = null) : BackgroundService
{
    /// <summary>The longest sleep between passes, so pipelines registered on another replica are picked up.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = logger ?? NullLogger<PipelineScheduler>.Instance;

    /// <summary>Triggers every pipeline due now; returns the runs it started (pipelines another replica claimed first are skipped).</summary>
    public async Task<IReadOnlyList<PipelineRun>> RunDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var started = new List<PipelineRun>();
        foreach (var pipeline in await store.ListPipelinesAsync(ct))
        {
            if (pipeline.NextRunAt is not { } due || due > now.ToUnixTimeMilliseconds() || pipeline.Schedule is not { } cron)
            {
                continue;
            }
            var next = schedule.NextAfter(cron, now)?.ToUnixTimeMilliseconds();
            if (!await store.TryClaimScheduleAsync(pipeline.Name, due, next, ct))
            {
                continue;
            }
            var detail = string.Create(CultureInfo.InvariantCulture, $"{cron} @ {DateTimeOffset.FromUnixTimeMilliseconds(due):yyyy-MM-dd'T'HH:mm'Z'}");
            try
            {
                started.Add(await pipelines.TriggerAsync(pipeline.Name, PipelineRunTrigger.Schedule, detail, null, PipelineEventTriggers.TriggerUser, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // One pipeline's failure (no executor, a file a newer rule refuses) must not stop the others; the next occurrence retries.
                LogTriggerFailed(_logger, e, pipeline.Name, detail);
            }
        }
        return started;
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
                wait = PollInterval;
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

    private async Task<TimeSpan> DelayUntilNextAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var earliest = (await store.ListPipelinesAsync(ct)).Where(p => p.NextRunAt is not null).Select(p => p.NextRunAt!.Value).DefaultIfEmpty(long.MaxValue).Min();
        var wait = earliest == long.MaxValue ? PollInterval : TimeSpan.FromMilliseconds(Math.Max(0, earliest - now));
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > PollInterval ? PollInterval : wait;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled trigger of pipeline {Pipeline} ({Detail}) failed.")]
    private static partial void LogTriggerFailed(ILogger logger, Exception exception, string pipeline, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The pipeline scheduler could not read the pipelines; retrying.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
