using Keel.Core.Common;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// <see cref="IMonitorStore"/> on the tracking store's PostgreSQL data source. The scheduler's claim is one
/// conditional UPDATE, so of several replicas exactly one moves a monitor's next run and runs it.
/// </summary>
internal sealed class PostgresMonitorStore(PostgresDatabase database) : IMonitorStore
{
    public async Task<StoredMonitor> CreateMonitorAsync(MonitorSpec spec, long now, long? nextRunAt, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            try
            {
                await c.ExecAsync(t, """
                    INSERT INTO monitors (name, deployment, spec_json, created_at, updated_at, next_run_at) VALUES ($1, $2, $3, $4, $4, $5);
                    """, ct, spec.Name, spec.Deployment, MonitorResultJson.Write(spec), now, (object?)nextRunAt ?? DBNull.Value);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Monitor '{spec.Name}' already exists.");
            }
        }, ct);
        return new StoredMonitor(spec, now, now, nextRunAt);
    }

    public Task<StoredMonitor> UpdateMonitorAsync(MonitorSpec spec, long now, long? nextRunAt, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var created = await c.ScalarAsync(t, """
                UPDATE monitors SET deployment = $2, spec_json = $3, updated_at = $4, next_run_at = $5 WHERE name = $1 RETURNING created_at;
                """, ct, spec.Name, spec.Deployment, MonitorResultJson.Write(spec), now, (object?)nextRunAt ?? DBNull.Value) as long?
                ?? throw NotFound(spec.Name);
            return new StoredMonitor(spec, created, now, nextRunAt);
        }, ct);

    public Task<StoredMonitor?> GetMonitorAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadMonitorsAsync(c, "WHERE name = $1", ct, name);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<IReadOnlyList<StoredMonitor>> ListMonitorsAsync(string? deployment = null, CancellationToken ct = default) =>
        database.ReadAsync(c => deployment is null
            ? ReadMonitorsAsync(c, "ORDER BY name", ct)
            : ReadMonitorsAsync(c, "WHERE deployment = $1 ORDER BY name", ct, deployment), ct);

    // Results and events go with the row (ON DELETE CASCADE).
    public Task DeleteMonitorAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecAsync(t, "DELETE FROM monitors WHERE name = $1;", ct, name) == 0)
            {
                throw NotFound(name);
            }
        }, ct);

    public Task<bool> TryClaimRunAsync(string name, long expectedNextRunAt, long? newNextRunAt, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
            await c.ExecAsync(t, "UPDATE monitors SET next_run_at = $3 WHERE name = $1 AND next_run_at = $2;",
                ct, name, expectedNextRunAt, (object?)newNextRunAt ?? DBNull.Value) == 1,
            ct);

    public Task AddResultAsync(MonitorRunResult result, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            // FOR KEY SHARE: a delete of the monitor waits for this insert instead of leaving orphans.
            if (await c.ScalarAsync(t, "SELECT 1 FROM monitors WHERE name = $1 FOR KEY SHARE;", ct, result.Monitor) is null)
            {
                throw NotFound(result.Monitor);
            }
            await c.ExecAsync(t, "INSERT INTO monitor_results (monitor, run_at, deployment, result_json) VALUES ($1, $2, $3, $4);",
                ct, result.Monitor, result.RunAt.ToUnixTimeMilliseconds(), result.Deployment, MonitorResultJson.Write(result));
            foreach (var alert in result.Alerts)
            {
                await c.ExecAsync(t, "INSERT INTO alert_events (id, monitor, deployment, fired_at, event_json) VALUES ($1, $2, $3, $4, $5);",
                    ct, alert.Id, alert.Monitor, alert.Deployment, alert.FiredAt.ToUnixTimeMilliseconds(), MonitorResultJson.Write(alert));
            }
        }, ct);

    public Task<IReadOnlyList<MonitorRunResult>> ListResultsAsync(
        string? monitor, string? deployment, DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default) =>
        database.ReadAsync(c =>
        {
            var (filter, values) = Filter(monitor, deployment, since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds());
            return ReadJsonAsync(c, $"SELECT result_json FROM monitor_results WHERE run_at >= $1 AND run_at < $2{filter} ORDER BY run_at, id",
                MonitorResultJson.ReadResult, ct, values);
        }, ct);

    public Task<MonitorRunResult?> GetLatestResultAsync(string monitor, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadJsonAsync(c, "SELECT result_json FROM monitor_results WHERE monitor = $1 ORDER BY run_at DESC, id DESC LIMIT 1",
                MonitorResultJson.ReadResult, ct, monitor);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<IReadOnlyList<AlertEvent>> ListAlertEventsAsync(
        string? monitor, string? deployment, DateTimeOffset since, int maxResults, CancellationToken ct = default) =>
        database.ReadAsync(c =>
        {
            var (filter, values) = Filter(monitor, deployment, since.ToUnixTimeMilliseconds(), maxResults);
            return ReadJsonAsync(c, $"SELECT event_json FROM alert_events WHERE fired_at >= $1{filter} ORDER BY fired_at DESC, id DESC LIMIT $2",
                MonitorResultJson.ReadAlert, ct, values);
        }, ct);

    // $1 and $2 are the caller's; only the filters given are numbered after them (PostgreSQL refuses unused parameters).
    private static (string Sql, object?[] Values) Filter(string? monitor, string? deployment, long first, long second)
    {
        var values = new List<object?> { first, second };
        var sql = "";
        if (monitor is not null)
        {
            values.Add(monitor);
            sql += $" AND monitor = ${values.Count}";
        }
        if (deployment is not null)
        {
            values.Add(deployment);
            sql += $" AND deployment = ${values.Count}";
        }
        return (sql, [.. values]);
    }

    private static async Task<IReadOnlyList<StoredMonitor>> ReadMonitorsAsync(NpgsqlConnection c, string where, CancellationToken ct, params object?[] values)
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

    private static async Task<IReadOnlyList<T>> ReadJsonAsync<T>(NpgsqlConnection c, string sql, Func<string, T> read, CancellationToken ct, params object?[] values)
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

/// <summary>The monitor store on the same data source as the tracking store.</summary>
internal sealed partial class PostgresTrackingStore
{
    internal IMonitorStore CreateMonitorStore() => new PostgresMonitorStore(database);
}
