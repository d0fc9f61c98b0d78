using Keel.Core.Common;

namespace Keel.Core.Monitoring.Monitors;

/// <summary>
/// The rules of monitors kept by the tracking server: validation on every write and the next scheduled run. Hosts
/// call this, never the store directly.
/// </summary>
/// <param name="store">Where monitors, their results and alert events are kept.</param>
/// <param name="schedule">Checks cron expressions and computes the next run.</param>
/// <param name="time">The clock of timestamps and of the next run.</param>
/// <param name="webhooks">Which webhook URLs are allowed; null allows any URL that passes <see cref="MonitorRules"/>.</param>
public sealed class MonitorService(IMonitorStore store, ICronSchedule schedule, TimeProvider time, IWebhookPolicy? webhooks = null)
{
    /// <summary>The most results one listing returns.</summary>
    public const int MaxResults = 10_000;

    /// <summary>The most alert events one listing returns.</summary>
    public const int MaxAlertEvents = 1000;

    public async Task<StoredMonitor> CreateAsync(MonitorSpec spec, CancellationToken ct = default)
    {
        Validate(spec);
        var now = time.GetUtcNow();
        return await store.CreateMonitorAsync(spec, now.ToUnixTimeMilliseconds(), NextRun(spec, now), ct);
    }

    /// <summary>Replaces the spec of <paramref name="name"/>; its results and events stay. The next run is computed afresh.</summary>
    public async Task<StoredMonitor> UpdateAsync(string? name, MonitorSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        MonitorRules.Name(name);
        if (!string.Equals(name, spec.Name, StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{spec.Name}' for parameter 'name': it must match the monitor being updated ('{name}'); monitors cannot be renamed.");
        }
        Validate(spec);
        _ = await GetAsync(name, ct);
        var now = time.GetUtcNow();
        return await store.UpdateMonitorAsync(spec, now.ToUnixTimeMilliseconds(), NextRun(spec, now), ct);
    }

    public async Task<StoredMonitor> GetAsync(string? name, CancellationToken ct = default)
    {
        MonitorRules.Name(name);
        return await store.GetMonitorAsync(name!, ct) ?? throw NotFound(name!);
    }

    /// <summary>Monitors by name; only those watching <paramref name="deployment"/> when given.</summary>
    public Task<IReadOnlyList<StoredMonitor>> ListAsync(string? deployment = null, CancellationToken ct = default) =>
        store.ListMonitorsAsync(string.IsNullOrEmpty(deployment) ? null : deployment, ct);

    /// <summary>Deletes a monitor with its results and alert events.</summary>
    public async Task DeleteAsync(string? name, CancellationToken ct = default)
    {
        var monitor = await GetAsync(name, ct);
        await store.DeleteMonitorAsync(monitor.Spec.Name, ct);
    }

    /// <summary>A monitor's results with run times in [since, until), oldest first; an unknown monitor is RESOURCE_DOES_NOT_EXIST.</summary>
    public async Task<IReadOnlyList<MonitorRunResult>> ListResultsAsync(string? name, DateTimeOffset? since, DateTimeOffset? until, CancellationToken ct = default)
    {
        var monitor = await GetAsync(name, ct);
        var (from, to) = Range(since, until);
        var results = await store.ListResultsAsync(monitor.Spec.Name, null, from, to, ct);
        // The newest are the interesting ones when a range holds more than a page.
        return results.Count > MaxResults ? results.Skip(results.Count - MaxResults).ToArray() : results;
    }

    /// <summary>The newest result of a monitor, or null before its first run.</summary>
    public async Task<MonitorRunResult?> GetLatestResultAsync(string? name, CancellationToken ct = default)
    {
        var monitor = await GetAsync(name, ct);
        return await store.GetLatestResultAsync(monitor.Spec.Name, ct);
    }

    /// <summary>Alert events fired at or after <paramref name="since"/> (all when null), newest first, at most <paramref name="maxResults"/> (default 100).</summary>
    public Task<IReadOnlyList<Alerts.AlertEvent>> ListAlertEventsAsync(
        string? monitor, string? deployment, DateTimeOffset? since, int? maxResults, CancellationToken ct = default)
    {
        var max = maxResults ?? 100;
        if (max is < 1 or > MaxAlertEvents)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{max}' for parameter 'max_results': between 1 and {MaxAlertEvents}.");
        }
        return store.ListAlertEventsAsync(
            string.IsNullOrEmpty(monitor) ? null : monitor, string.IsNullOrEmpty(deployment) ? null : deployment,
            since ?? DateTimeOffset.UnixEpoch, max, ct);
    }

    /// <summary>The next run of <paramref name="spec"/> after <paramref name="after"/> (epoch ms), null without a schedule.</summary>
    public long? NextRun(MonitorSpec spec, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Schedule is { } cron ? schedule.NextAfter(cron, after)?.ToUnixTimeMilliseconds() : null;
    }

    private void Validate(MonitorSpec spec)
    {
        MonitorRules.Validate(spec);
        if (spec.Schedule is { } cron)
        {
            schedule.Validate(cron, "schedule");
        }
        for (var i = 0; i < spec.Webhooks.Count; i++)
        {
            webhooks?.Validate(spec.Webhooks[i], string.Create(System.Globalization.CultureInfo.InvariantCulture, $"webhooks[{i}]"));
        }
    }

    private static (DateTimeOffset Since, DateTimeOffset Until) Range(DateTimeOffset? since, DateTimeOffset? until)
    {
        var from = since ?? DateTimeOffset.UnixEpoch;
        var to = until ?? DateTimeOffset.MaxValue;
        if (to <= from)
        {
            throw KeelException.InvalidParameter("Invalid value for parameter 'until': it must be later than 'since'.");
        }
        return (from, to);
    }

    private static KeelException NotFound(string name) => KeelException.NotFound($"Monitor '{name}' not found.");
}
