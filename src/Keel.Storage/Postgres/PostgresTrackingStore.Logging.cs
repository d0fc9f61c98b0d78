using Keel.Core.Common;
using Keel.Core.Tracking;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    // Below this many points the savepoint's extra round trip outweighs what COPY saves over the array INSERT.
    private const int CopyThreshold = 64;
    private const string CopySavepoint = "metrics_copy";

    public async Task LogBatchAsync(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> parameters, IReadOnlyList<Tag> tags, CancellationToken ct = default)
    {
        var newKeys = new Dictionary<string, long>(StringComparer.Ordinal);
        await database.WriteAsync(async (c, t) =>
        {
            // A retried transaction starts again from the cache alone.
            newKeys.Clear();
            var pk = await RunPkAsync(c, t, runId, ct);
            if (parameters.Count > 0)
            {
                await InsertParamsAsync(c, t, pk, runId, parameters, ct);
            }
            if (tags.Count > 0)
            {
                await UpsertRunTagsAsync(c, t, pk, tags, ct);
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

    /// <summary>
    /// Inserts new params in one statement, then looks for any whose stored value differs; checking after the insert
    /// also catches a key given twice in the batch and a concurrent writer that committed first.
    /// </summary>
    private static async Task InsertParamsAsync(NpgsqlConnection c, NpgsqlTransaction t, long pk, string runId, IReadOnlyList<Param> parameters, CancellationToken ct)
    {
        var keys = parameters.Select(p => p.Key).ToArray();
        var values = parameters.Select(p => p.Value).ToArray();
        await c.ExecAsync(t, """
            INSERT INTO params (run_pk, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)
            ON CONFLICT (run_pk, key) DO NOTHING;
            """, ct, pk, keys, values);
        await using var command = c.Command("""
            SELECT u.k, p.value, u.v FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(k, v, n)
            JOIN params p ON p.run_pk = $1 AND p.key = u.k WHERE p.value <> u.v ORDER BY u.n LIMIT 1
            """, t, pk, keys, values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct))
        {
            throw KeelException.InvalidParameter(
                $"Changing param values is not allowed. Param with key='{reader.GetString(0)}' was already logged with value='{reader.GetString(1)}' for run ID='{runId}'. Attempted logging new value '{reader.GetString(2)}'.");
        }
    }

    /// <summary>Upserts run tags, the last value per key winning as if applied one by one; keeps the run's name in step with its tag.</summary>
    private static async Task UpsertRunTagsAsync(NpgsqlConnection c, NpgsqlTransaction t, long pk, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        if (tags.Count == 0)
        {
            return;
        }
        var (keys, values) = LastPerKey(tags);
        await c.ExecAsync(t, """
            INSERT INTO tags (run_pk, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)
            ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value;
            """, ct, pk, keys, values);
        var index = Array.IndexOf(keys, TrackingService.RunNameTag);
        if (index >= 0)
        {
            await c.ExecAsync(t, "UPDATE runs SET name = $1 WHERE run_pk = $2;", ct, values[index], pk);
        }
    }

    // ON CONFLICT DO UPDATE may touch a row only once per statement, so duplicates are settled here first.
    private static (string[] Keys, string[] Values) LastPerKey(IReadOnlyList<Tag> tags)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            last[tag.Key] = tag.Value;
        }
        return (last.Keys.ToArray(), last.Values.ToArray());
    }

    private async Task InsertMetricsAsync(
        NpgsqlConnection c, NpgsqlTransaction t, long pk, IReadOnlyList<Metric> metrics, Dictionary<string, long> newKeys, CancellationToken ct)
    {
        var keyIds = await MetricKeyIdsAsync(c, t, metrics, newKeys, ct);
        var n = metrics.Count;
        var (ids, steps, timestamps, nans, values) = (new long[n], new long[n], new long[n], new bool[n], new double[n]);
        for (var i = 0; i < n; i++)
        {
            var m = metrics[i];
            (ids[i], steps[i], timestamps[i], nans[i], values[i]) = (keyIds[m.Key], m.Step, m.Timestamp, double.IsNaN(m.Value), double.IsNaN(m.Value) ? 0.0 : m.Value);
        }
        if (n < CopyThreshold || !await TryCopyMetricsAsync(c, t, pk, ids, steps, timestamps, nans, values, ct))
        {
            // Array parameters: one round trip for the whole batch; DO NOTHING collapses identical points.
            await c.ExecAsync(t, """
                INSERT INTO metrics (run_pk, key_id, step, timestamp, is_nan, value)
                SELECT $1, k, s, ts, n, v FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::boolean[], $6::float8[]) AS u(k, s, ts, n, v)
                ON CONFLICT DO NOTHING;
                """, ct, pk, ids, steps, timestamps, nans, values);
        }

        // The latest point per key wins by (step, timestamp, value), NaN lowest, as in MLflow; NaN is stored as NULL.
        var latest = metrics.GroupBy(m => m.Key)
            .Select(g => g.MaxBy(m => (m.Step, m.Timestamp, double.IsNaN(m.Value) ? double.NegativeInfinity : m.Value))!)
            .ToArray();
        await c.ExecAsync(t, """
            INSERT INTO latest_metrics AS lm (run_pk, key_id, value, timestamp, step)
            SELECT $1, k, v, ts, s FROM unnest($2::bigint[], $3::float8[], $4::bigint[], $5::bigint[]) AS u(k, v, ts, s)
            ON CONFLICT (run_pk, key_id) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step
            WHERE (excluded.step, excluded.timestamp, coalesce(excluded.value, '-Infinity'::float8))
                >= (lm.step, lm.timestamp, coalesce(lm.value, '-Infinity'::float8));
            """, ct, pk,
            latest.Select(m => keyIds[m.Key]).ToArray(),
            latest.Select(m => double.IsNaN(m.Value) ? (double?)null : m.Value).ToArray(),
            latest.Select(m => m.Timestamp).ToArray(),
            latest.Select(m => m.Step).ToArray());
    }

    /// <summary>
    /// Writes the points with binary COPY, PostgreSQL's fastest path, inside a savepoint. COPY cannot skip rows that
    /// already exist, so a retried batch (or one repeating a point) fails with a unique violation; the savepoint is
    /// then rolled back and false returned, and the caller writes the batch with the idempotent INSERT instead.
    /// </summary>
    private static async Task<bool> TryCopyMetricsAsync(
        NpgsqlConnection c, NpgsqlTransaction t, long pk, long[] ids, long[] steps, long[] timestamps, bool[] nans, double[] values, CancellationToken ct)
    {
        await t.SaveAsync(CopySavepoint, ct);
        try
        {
            await using (var writer = await c.BeginBinaryImportAsync(
                "COPY metrics (run_pk, key_id, step, timestamp, is_nan, value) FROM STDIN (FORMAT BINARY)", ct))
            {
                for (var i = 0; i < ids.Length; i++)
                {
                    await writer.StartRowAsync(ct);
                    await writer.WriteAsync(pk, NpgsqlDbType.Bigint, ct);
                    await writer.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
                    await writer.WriteAsync(steps[i], NpgsqlDbType.Bigint, ct);
                    await writer.WriteAsync(timestamps[i], NpgsqlDbType.Bigint, ct);
                    await writer.WriteAsync(nans[i], NpgsqlDbType.Boolean, ct);
                    await writer.WriteAsync(values[i], NpgsqlDbType.Double, ct);
                }
                await writer.CompleteAsync(ct);
            }
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await t.RollbackAsync(CopySavepoint, ct);
            return false;
        }
    }

    /// <summary>Ids of the batch's metric keys, creating missing ones in one statement (sorted, so concurrent batches lock in the same order).</summary>
    private async Task<Dictionary<string, long>> MetricKeyIdsAsync(
        NpgsqlConnection c, NpgsqlTransaction t, IReadOnlyList<Metric> metrics, Dictionary<string, long> newKeys, CancellationToken ct)
    {
        var keyIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var key in metrics.Select(m => m.Key).Distinct(StringComparer.Ordinal))
        {
            if (_metricKeyIds.TryGetValue(key, out var cached))
            {
                keyIds[key] = cached;
            }
            else
            {
                missing.Add(key);
            }
        }
        if (missing.Count == 0)
        {
            return keyIds;
        }
        missing.Sort(StringComparer.Ordinal);
        var keys = missing.ToArray();
        await c.ExecAsync(t, "INSERT INTO metric_keys (key) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (key) DO NOTHING;", ct, [keys]);
        await using var command = c.Command("SELECT key, key_id FROM metric_keys WHERE key = ANY($1::text[])", t, [keys]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            keyIds[reader.GetString(0)] = newKeys[reader.GetString(0)] = reader.GetInt64(1);
        }
        return keyIds;
    }

    public Task DeleteTagAsync(string runId, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            if (await c.ExecAsync(t, "DELETE FROM tags WHERE run_pk = $1 AND key = $2;", ct, pk, key) == 0)
            {
                throw KeelException.NotFound($"No tag with name: {key} in run with id {runId}");
            }
        }, ct);

    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> inputs, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            var experimentId = (long)(await c.ScalarAsync(t, "SELECT experiment_id FROM runs WHERE run_pk = $1", ct, pk))!;
            foreach (var input in inputs)
            {
                var d = input.Dataset;
                // A dataset is identified per experiment by (name, digest), as in MLflow; the first record wins.
                await c.ExecAsync(t, """
                    INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (experiment_id, name, digest) DO NOTHING;
                    """, ct, experimentId, d.Name, d.Digest, d.SourceType, d.Source, d.Schema, d.Profile);
                var datasetPk = (long)(await c.ScalarAsync(t,
                    "SELECT dataset_pk FROM datasets WHERE experiment_id = $1 AND name = $2 AND digest = $3", ct, experimentId, d.Name, d.Digest))!;
                await c.ExecAsync(t, "INSERT INTO inputs (run_pk, dataset_pk) VALUES ($1, $2) ON CONFLICT DO NOTHING;", ct, pk, datasetPk);
                if (input.Tags.Count > 0)
                {
                    var (keys, values) = LastPerKey(input.Tags);
                    await c.ExecAsync(t, """
                        INSERT INTO input_tags (run_pk, dataset_pk, key, value) SELECT $1, $2, k, v FROM unnest($3::text[], $4::text[]) AS u(k, v)
                        ON CONFLICT (run_pk, dataset_pk, key) DO UPDATE SET value = excluded.value;
                        """, ct, pk, datasetPk, keys, values);
                }
            }
        }, ct);

    public Task<Page<Metric>> GetMetricHistoryAsync(string runId, string key, int maxResults, long offset, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            // LIMIT NULL is no limit in PostgreSQL.
            long? limit = maxResults == int.MaxValue ? null : maxResults + 1L;
            await using var command = c.Command("""
                SELECT m.step, m.timestamp, m.is_nan, m.value FROM metrics m
                WHERE m.run_pk = (SELECT run_pk FROM runs WHERE run_id = $1)
                  AND m.key_id = (SELECT key_id FROM metric_keys WHERE key = $2)
                ORDER BY m.step, m.timestamp, m.is_nan, m.value
                LIMIT $3::bigint OFFSET $4
                """, null, runId, key, limit, offset);
            var points = new List<Metric>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                points.Add(new Metric(key, reader.GetBoolean(2) ? double.NaN : reader.GetDouble(3), reader.GetInt64(1), reader.GetInt64(0)));
            }
            var hasMore = maxResults != int.MaxValue && points.Count > maxResults;
            if (hasMore)
            {
                points.RemoveAt(points.Count - 1);
            }
            return new Page<Metric>(points, hasMore ? PageToken.Encode(offset + maxResults) : null);
        }, ct);
}
