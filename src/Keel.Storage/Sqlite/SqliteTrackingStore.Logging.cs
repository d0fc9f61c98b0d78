using Keel.Core.Common;
using Keel.Core.Tracking;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    public async Task LogBatchAsync(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> parameters, IReadOnlyList<Tag> tags, CancellationToken ct = default)
    {
        var newKeys = new Dictionary<string, long>(StringComparer.Ordinal);
        await database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            foreach (var param in parameters)
            {
                var existing = (string?)await c.ScalarAsync(t, "SELECT value FROM params WHERE run_pk = $p0 AND key = $p1", ct, pk, param.Key);
                if (existing is not null && existing != param.Value)
                {
                    throw KeelException.InvalidParameter(
                        $"Changing param values is not allowed. Param with key='{param.Key}' was already logged with value='{existing}' for run ID='{runId}'. Attempted logging new value '{param.Value}'.");
                }
                if (existing is null)
                {
                    await c.ExecAsync(t, "INSERT INTO params (run_pk, key, value) VALUES ($p0, $p1, $p2);", ct, pk, param.Key, param.Value);
                }
            }
            foreach (var tag in tags)
            {
                await c.ExecAsync(t, "INSERT OR REPLACE INTO tags (run_pk, key, value) VALUES ($p0, $p1, $p2);", ct, pk, tag.Key, tag.Value);
                if (tag.Key == TrackingService.RunNameTag)
                {
                    await c.ExecAsync(t, "UPDATE runs SET name = $p0 WHERE run_pk = $p1;", ct, tag.Value, pk);
                }
            }
            if (metrics.Count > 0)
            {
                await InsertMetricsAsync(c, t, pk, metrics, newKeys, ct);
            }
        }, ct);
        // Only after the commit: a rolled-back key insert must not leave a dangling id in the cache.
        foreach (var (key, id) in newKeys)
        {
            _metricKeyIds.TryAdd(key, id);
        }
    }

    private async Task InsertMetricsAsync(
        SqliteConnection c, SqliteTransaction t, long pk, IReadOnlyList<Metric> metrics, Dictionary<string, long> newKeys, CancellationToken ct)
    {
        var keyIds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in metrics.Select(m => m.Key).Distinct(StringComparer.Ordinal))
        {
            keyIds[key] = await MetricKeyIdAsync(c, t, key, newKeys, ct);
        }

        await using (var insert = c.Command("INSERT OR IGNORE INTO metrics (run_pk, key_id, step, timestamp, is_nan, value) VALUES ($p0, $p1, $p2, $p3, $p4, $p5);",
            t, pk, 0L, 0L, 0L, 0L, 0.0))
        {
            insert.Prepare();
            // In key order each key's new points land next to each other in the clustered b-tree.
            foreach (var metric in metrics.OrderBy(m => keyIds[m.Key]).ThenBy(m => m.Step).ThenBy(m => m.Timestamp))
            {
                var isNan = double.IsNaN(metric.Value);
                insert.Parameters[1].Value = keyIds[metric.Key];
                insert.Parameters[2].Value = metric.Step;
                insert.Parameters[3].Value = metric.Timestamp;
                insert.Parameters[4].Value = isNan ? 1L : 0L;
                insert.Parameters[5].Value = isNan ? 0.0 : metric.Value;
                await insert.ExecuteNonQueryAsync(ct);
            }
        }

        // The latest point per key wins by (step, timestamp, value), NaN lowest, as in MLflow.
        await using var upsert = c.Command("""
            INSERT INTO latest_metrics (run_pk, key_id, value, timestamp, step) VALUES ($p0, $p1, $p2, $p3, $p4)
            ON CONFLICT (run_pk, key_id) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step
            WHERE (excluded.step, excluded.timestamp, coalesce(excluded.value, -9e999))
                >= (latest_metrics.step, latest_metrics.timestamp, coalesce(latest_metrics.value, -9e999));
            """, t, pk, 0L, 0.0, 0L, 0L);
        upsert.Prepare();
        foreach (var latest in metrics.GroupBy(m => m.Key).Select(g => g.MaxBy(m => (m.Step, m.Timestamp, double.IsNaN(m.Value) ? double.NegativeInfinity : m.Value))!))
        {
            upsert.Parameters[1].Value = keyIds[latest.Key];
            upsert.Parameters[2].Value = double.IsNaN(latest.Value) ? DBNull.Value : latest.Value;
            upsert.Parameters[3].Value = latest.Timestamp;
            upsert.Parameters[4].Value = latest.Step;
            await upsert.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<long> MetricKeyIdAsync(SqliteConnection c, SqliteTransaction t, string key, Dictionary<string, long> newKeys, CancellationToken ct)
    {
        if (_metricKeyIds.TryGetValue(key, out var cached) || newKeys.TryGetValue(key, out cached))
        {
            return cached;
        }
        if (await c.ScalarAsync(t, "SELECT key_id FROM metric_keys WHERE key = $p0", ct, key) is long existing)
        {
            _metricKeyIds.TryAdd(key, existing);
            return existing;
        }
        var id = (long)(await c.ScalarAsync(t, "INSERT INTO metric_keys (key) VALUES ($p0) RETURNING key_id;", ct, key))!;
        newKeys[key] = id;
        return id;
    }

    public Task DeleteTagAsync(string runId, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            if (await c.ExecAsync(t, "DELETE FROM tags WHERE run_pk = $p0 AND key = $p1;", ct, pk, key) == 0)
            {
                throw KeelException.NotFound($"No tag with name: {key} in run with id {runId}");
            }
        }, ct);

    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> inputs, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            var experimentId = (long)(await c.ScalarAsync(t, "SELECT experiment_id FROM runs WHERE run_pk = $p0", ct, pk))!;
            foreach (var input in inputs)
            {
                var d = input.Dataset;
                // A dataset is identified per experiment by (name, digest), as in MLflow; the first record wins.
                await c.ExecAsync(t, """
                    INSERT OR IGNORE INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6);
                    """, ct, experimentId, d.Name, d.Digest, d.SourceType, d.Source, d.Schema, d.Profile);
                var datasetPk = (long)(await c.ScalarAsync(t,
                    "SELECT dataset_pk FROM datasets WHERE experiment_id = $p0 AND name = $p1 AND digest = $p2", ct, experimentId, d.Name, d.Digest))!;
                await c.ExecAsync(t, "INSERT OR IGNORE INTO inputs (run_pk, dataset_pk) VALUES ($p0, $p1);", ct, pk, datasetPk);
                foreach (var tag in input.Tags)
                {
                    await c.ExecAsync(t, "INSERT OR REPLACE INTO input_tags (run_pk, dataset_pk, key, value) VALUES ($p0, $p1, $p2, $p3);",
                        ct, pk, datasetPk, tag.Key, tag.Value);
                }
            }
        }, ct);

    public Task<Page<Metric>> GetMetricHistoryAsync(string runId, string key, int maxResults, long offset, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var limit = maxResults == int.MaxValue ? -1 : maxResults + 1L;
            await using var command = c.Command("""
                SELECT m.step, m.timestamp, m.is_nan, m.value FROM metrics m
                WHERE m.run_pk = (SELECT run_pk FROM runs WHERE run_id = $p0)
                  AND m.key_id = (SELECT key_id FROM metric_keys WHERE key = $p1)
                ORDER BY m.step, m.timestamp, m.is_nan, m.value
                LIMIT $p2 OFFSET $p3
                """, null, runId, key, limit, offset);
            var points = new List<Metric>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                points.Add(new Metric(key, reader.GetInt64(2) == 1 ? double.NaN : reader.GetDouble(3), reader.GetInt64(1), reader.GetInt64(0)));
            }
            var hasMore = maxResults != int.MaxValue && points.Count > maxResults;
            if (hasMore)
            {
                points.RemoveAt(points.Count - 1);
            }
            return new Page<Metric>(points, hasMore ? PageToken.Encode(offset + maxResults) : null);
        }, ct);
}
