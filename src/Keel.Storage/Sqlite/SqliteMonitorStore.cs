using Keel.Core.Common;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// <see cref="IMonitorStore"/> on the tracking store's SQLite file and writer. Specs, results and events are
/// <see cref="MonitorResultJson"/> texts; times are epoch milliseconds.
/// </summary>
internal sealed class SqliteMonitorStore(SqliteDatabase database) : IMonitorStore
{
    private const int PrimaryKeyViolation = 1555;

    public async Task<StoredMonitor> CreateMonitorAsync(MonitorSpec spec, long now, long? nextRunAt, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            try
            {
                await c.ExecAsync(t, """
                    INSERT INTO monitors (name, deployment, spec_json, created_at, updated_at, next_run_at) VALUES ($p0, $p1, $p2, $p3, $p3, $p4);
                    """, ct, spec.Name, spec.Deployment, MonitorResultJson.Write(spec), now, nextRunAt);
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == PrimaryKeyViolation)
            {
                throw KeelException.AlreadyExists($"Monitor '{spec.Name}' already exists.");
            }
        }, ct);
        return new StoredMonitor(spec, now, now, nextRunAt);
    }

    public Task<StoredMonitor> UpdateMonitorAsync(MonitorSpec spec, long now, long? nextRunAt, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var created = await c.ScalarAsync(t, "SELECT created_at FROM monitors WHERE name = $p0;", ct, spec.Name) as long?
                ?? throw NotFound(spec.Name);
            await c.ExecAsync(t, "UPDATE monitors SET deployment = $p1, spec_json = $p2, updated_at = $p3, next_run_at = $p4 WHERE name = $p0;",
                ct, spec.Name, spec.Deployment, MonitorResultJson.Write(spec), now, nextRunAt);
            return new StoredMonitor(spec, created, now, nextRunAt);
        }, ct);

    public Task<StoredMonitor?> GetMonitorAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadMonitorsAsync(c, "WHERE name = $p0", ct, name);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<IReadOnlyList<StoredMonitor>> ListMonitorsAsync(string? deployment = null, CancellationToken ct = default) =>
        database.ReadAsync(c => deployment is null
            ? ReadMonitorsAsync(c, "ORDER BY name", ct)
            : ReadMonitorsAsync(c, "WHERE deployment = $p0 ORDER BY name", ct, deployment), ct);

    public Task DeleteMonitorAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecAsync(t, "DELETE FROM monitors WHERE name = $p0;", ct, name) == 0)
            {
                throw NotFound(name);
            }
            await c.ExecAsync(t, "DELETE FROM monitor_results WHERE monitor = $p0;", ct, name);
            await c.ExecAsync(t, "DELETE FROM alert_events WHERE monitor = $p0;", ct, name);
        }, ct);

    public Task<bool> TryClaimRunAsync(string name, long expectedNextRunAt, long? newNextRunAt, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
            await c.ExecAsync(t, "UPDATE monitors SET next_run_at = $p2 WHERE name = $p0 AND next_run_at = $p1;", ct, name, expectedNextRunAt, newNextRunAt) == 1,
            ct);

    public Task AddResultAsync(MonitorRunResult result, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ScalarAsync(t, "SELECT 1 FROM monitors WHERE name = $p0;", ct, result.Monitor) is null)
            {
                throw NotFound(result.Monitor);
            }
            // One writer, so max + 1 cannot race.
            await c.ExecAsync(t, """
                INSERT INTO monitor_results (monitor, run_at, id, deployment, result_json)
                VALUES ($p0, $p1, (SELECT coalesce(max(id), 0) + 1 FROM monitor_results), $p2, $p3);
                """, ct, result.Monitor, result.RunAt.ToUnixTimeMilliseconds(), result.Deployment, MonitorResultJson.Write(result));
            foreach (var alert in result.Alerts)
            {
                await c.ExecAsync(t, "INSERT INTO alert_events (id, monitor, deployment, fired_at, event_json) VALUES ($p0, $p1, $p2, $p3, $p4);",
                    ct, alert.Id, alert.Monitor, alert.Deployment, alert.FiredAt.ToUnixTimeMilliseconds(), MonitorResultJson.Write(alert));
            }
        }, ct);

    public Task<IReadOnlyList<MonitorRunResult>> ListResultsAsync(
        string? monitor, string? deployment, DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default) =>
        database.ReadAsync(c =>
        {
            var (filter, values) = Filter(monitor, deployment, since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds());
            return ReadJsonAsync(c, $"SELECT result_json FROM monitor_results WHERE run_at >= $p0 AND run_at < $p1{filter} ORDER BY run_at, id",
                MonitorResultJson.ReadResult, ct, values);
        }, ct);

    public Task<MonitorRunResult?> GetLatestResultAsync(string monitor, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadJsonAsync(c, "SELECT result_json FROM monitor_results WHERE monitor = $p0 ORDER BY run_at DESC, id DESC LIMIT 1",
                MonitorResultJson.ReadResult, ct, monitor);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<IReadOnlyList<AlertEvent>> ListAlertEventsAsync(
        string? monitor, string? deployment, DateTimeOffset since, int maxResults, CancellationToken ct = default) =>
        database.ReadAsync(c =>
        {
            var (filter, values) = Filter(monitor, deployment, since.ToUnixTimeMilliseconds(), maxResults);
            return ReadJsonAsync(c, $"SELECT event_json FROM alert_events WHERE fired_at >= $p0{filter} ORDER BY fired_at DESC, id DESC LIMIT $p1",
                MonitorResultJson.ReadAlert, ct, values);
        }, ct);

    // $p0 and $p1 are the caller's; the monitor and deployment filters follow as $p2 and $p3.
    private static (string Sql, object?[] Values) Filter(string? monitor, string? deployment, long first, long second)
    {
        var sql = (monitor is null ? "" : " AND monitor = $p2") + (deployment is null ? "" : " AND deployment = $p3");
        return (sql, [first, second, monitor, deployment]);
    }

    private static async Task<IReadOnlyList<StoredMonitor>> ReadMonitorsAsync(SqliteConnection c, string where, CancellationToken ct, params object?[] values)
    {
        var monitors = new List<StoredMonitor>();
        await using var command = c.Command($"SELECT spec_json, created_at, updated_at, next_run_at FROM monitors {where};", null, values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            monitors.Add(new StoredMonitor(MonitorResultJson.ReadSpec(reader.GetString(0)), reader.GetInt64(1), reader.GetInt64(2), reader.NullableInt64(3)));
        }
        return monitors;
    }

    private static async Task<IReadOnlyList<T>> ReadJsonAsync<T>(SqliteConnection c, string sql, Func<string, T> read, CancellationToken ct, params object?[] values)
    {
        var items = new List<T>();
        await using var command = c.Command(sql, null, values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(read(reader.GetString(0)));
        }
        return items;
    }

    private static KeelException NotFound(string name) => KeelException.NotFound($"Monitor '{name}' not found.");
}

/// <summary>The monitor store on the same file and writer as the tracking store.</summary>
internal sealed partial class SqliteTrackingStore
{
    public SqliteMonitorStore CreateMonitorStore() => new(database);
}
