using Keel.Core.Monitoring.Alerts;

namespace Keel.Core.Monitoring.Monitors;

/// <summary>A stored monitor with its bookkeeping.</summary>
/// <param name="Spec">What it watches.</param>
/// <param name="CreatedAt">Creation time, ms since the epoch.</param>
/// <param name="UpdatedAt">Last update time, ms since the epoch.</param>
/// <param name="NextRunAt">When the scheduler runs it next (ms since the epoch), null when it has no schedule.</param>
public sealed record StoredMonitor(MonitorSpec Spec, long CreatedAt, long UpdatedAt, long? NextRunAt);

/// <summary>
/// Monitors, their results as a time series, and the alert events they fired. Each call is one transaction.
/// Writes naming an unknown monitor throw RESOURCE_DOES_NOT_EXIST; reads return null or empty.
/// </summary>
public interface IMonitorStore
{
    /// <summary>Creates a monitor; a taken name throws RESOURCE_ALREADY_EXISTS.</summary>
    Task<StoredMonitor> CreateMonitorAsync(MonitorSpec spec, long now, long? nextRunAt, CancellationToken ct = default);

    /// <summary>Replaces a monitor's spec (its results and events stay).</summary>
    Task<StoredMonitor> UpdateMonitorAsync(MonitorSpec spec, long now, long? nextRunAt, CancellationToken ct = default);

    Task<StoredMonitor?> GetMonitorAsync(string name, CancellationToken ct = default);

    /// <summary>Monitors by name (ordinal); only those of <paramref name="deployment"/> when given.</summary>
    Task<IReadOnlyList<StoredMonitor>> ListMonitorsAsync(string? deployment = null, CancellationToken ct = default);

    /// <summary>Deletes a monitor with its results and events.</summary>
    Task DeleteMonitorAsync(string name, CancellationToken ct = default);

    /// <summary>
    /// Claims a scheduled run: moves <c>NextRunAt</c> from <paramref name="expectedNextRunAt"/> to
    /// <paramref name="newNextRunAt"/> only if it still holds the expected value, so of several replicas exactly one
    /// runs each due monitor. True when this caller won.
    /// </summary>
    Task<bool> TryClaimRunAsync(string name, long expectedNextRunAt, long? newNextRunAt, CancellationToken ct = default);

    /// <summary>Appends one evaluation (and the alert events it fired).</summary>
    Task AddResultAsync(MonitorRunResult result, CancellationToken ct = default);

    /// <summary>
    /// Results with <see cref="MonitorRunResult.RunAt"/> in [<paramref name="since"/>, <paramref name="until"/>), oldest
    /// first; of one monitor, or of every monitor of <paramref name="deployment"/>, or all when both are null.
    /// </summary>
    Task<IReadOnlyList<MonitorRunResult>> ListResultsAsync(
        string? monitor, string? deployment, DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default);

    /// <summary>The newest result of a monitor, or null.</summary>
    Task<MonitorRunResult?> GetLatestResultAsync(string monitor, CancellationToken ct = default);

    /// <summary>Alert events fired at or after <paramref name="since"/>, newest first, at most <paramref name="maxResults"/>; filtered like <see cref="ListResultsAsync"/>.</summary>
    Task<IReadOnlyList<AlertEvent>> ListAlertEventsAsync(
        string? monitor, string? deployment, DateTimeOffset since, int maxResults, CancellationToken ct = default);
}
