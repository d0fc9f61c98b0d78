using Keel.Core.Common;
using Keel.Core.Tracking;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    private const string RunColumns =
        "r.run_pk, r.run_id, r.name, r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage";

    public async Task<Run> CreateRunAsync(NewRun run, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            var pk = (long)(await c.ScalarAsync(t, """
                INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, artifact_uri, lifecycle_stage)
                VALUES ($p0, $p1, $p2, $p3, 'RUNNING', $p4, $p5, 'active') RETURNING run_pk;
                """, ct, run.RunId, ParseId(run.ExperimentId), run.RunName, run.UserId, run.StartTime, run.ArtifactUri))!;
            foreach (var tag in run.Tags)
            {
                await c.ExecAsync(t, "INSERT OR REPLACE INTO tags (run_pk, key, value) VALUES ($p0, $p1, $p2);", ct, pk, tag.Key, tag.Value);
            }
        }, ct);
        return (await GetRunAsync(run.RunId, ct))!;
    }

    public Task<Run?> GetRunAsync(string runId, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            await using var command = c.Command($"SELECT {RunColumns} FROM runs r WHERE r.run_id = $p0", null, runId);
            return First(await ReadRunsAsync(c, command, ct));
        }, ct);

    public Task<RunInfo?> GetRunInfoAsync(string runId, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            await using var command = c.Command($"SELECT {RunColumns} FROM runs r WHERE r.run_id = $p0", null, runId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadInfo(reader).Info : null;
        }, ct);

    public async Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            await c.ExecAsync(t, """
                UPDATE runs SET status = coalesce($p0, status), end_time = coalesce($p1, end_time), name = coalesce($p2, name)
                WHERE run_pk = $p3;
                """, ct, status?.ToWire(), endTime, runName, pk);
            if (runName is not null)
            {
                await c.ExecAsync(t, "INSERT OR REPLACE INTO tags (run_pk, key, value) VALUES ($p0, $p1, $p2);", ct, pk, TrackingService.RunNameTag, runName);
            }
        }, ct);
        return (await GetRunInfoAsync(runId, ct))!;
    }

    public Task SetRunLifecycleAsync(string runId, string lifecycleStage, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            await c.ExecAsync(t, """
                UPDATE runs SET lifecycle_stage = $p0, deleted_time = CASE WHEN $p0 = 'deleted' THEN $p1 ELSE NULL END
                WHERE run_pk = $p2;
                """, ct, lifecycleStage, now, pk);
        }, ct);

    private static async Task<long> RunPkAsync(SqliteConnection c, SqliteTransaction t, string runId, CancellationToken ct) =>
        await c.ScalarAsync(t, "SELECT run_pk FROM runs WHERE run_id = $p0", ct, runId) is long pk
            ? pk
            : throw KeelException.NotFound($"Run with id={runId} not found");

    private static (long Pk, RunInfo Info) ReadInfo(SqliteDataReader reader) =>
        (reader.GetInt64(0), new RunInfo(
            RunId: reader.GetString(1),
            RunName: reader.GetString(2),
            ExperimentId: Id(reader.GetInt64(3)),
            UserId: reader.GetString(4),
            Status: TrackingServiceStatus(reader.GetString(5)),
            StartTime: reader.GetInt64(6),
            EndTime: reader.NullableInt64(7),
            ArtifactUri: reader.GetString(8),
            LifecycleStage: reader.GetString(9)));

    private static RunStatus TrackingServiceStatus(string wire) =>
        Enum.GetValues<RunStatus>().First(s => s.ToWire() == wire);

    /// <summary>Reads run rows in order, then their params, tags, latest metrics and inputs in four batched queries.</summary>
    private static async Task<IReadOnlyList<Run>> ReadRunsAsync(SqliteConnection c, SqliteCommand command, CancellationToken ct)
    {
        var infos = new List<(long Pk, RunInfo Info)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                infos.Add(ReadInfo(reader));
            }
        }
        if (infos.Count == 0)
        {
            return [];
        }
        var pks = string.Join(",", infos.Select(i => Id(i.Pk)));
        var parameters = await GroupAsync(c, $"SELECT run_pk, key, value FROM params WHERE run_pk IN ({pks}) ORDER BY key",
            r => new Param(r.GetString(1), r.GetString(2)), ct);
        var tags = await GroupAsync(c, $"SELECT run_pk, key, value FROM tags WHERE run_pk IN ({pks}) ORDER BY key",
            r => new Tag(r.GetString(1), r.GetString(2)), ct);
        var metrics = await GroupAsync(c, $"""
            SELECT lm.run_pk, k.key, lm.value, lm.timestamp, lm.step FROM latest_metrics lm
            JOIN metric_keys k ON k.key_id = lm.key_id WHERE lm.run_pk IN ({pks}) ORDER BY k.key
            """, r => new Metric(r.GetString(1), r.IsDBNull(2) ? double.NaN : r.GetDouble(2), r.GetInt64(3), r.GetInt64(4)), ct);
        var inputs = await ReadInputsAsync(c, pks, ct);
        return infos.Select(i => new Run(
            i.Info,
            metrics.GetValueOrDefault(i.Pk) ?? [],
            parameters.GetValueOrDefault(i.Pk) ?? [],
            tags.GetValueOrDefault(i.Pk) ?? [],
            inputs.GetValueOrDefault(i.Pk) ?? [])).ToArray();
    }

    private static async Task<Dictionary<long, List<DatasetInput>>> ReadInputsAsync(SqliteConnection c, string pks, CancellationToken ct)
    {
        var tagsByInput = new Dictionary<(long, long), List<Tag>>();
        await using (var command = c.Command($"SELECT run_pk, dataset_pk, key, value FROM input_tags WHERE run_pk IN ({pks}) ORDER BY key"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var id = (reader.GetInt64(0), reader.GetInt64(1));
                if (!tagsByInput.TryGetValue(id, out var list))
                {
                    tagsByInput[id] = list = [];
                }
                list.Add(new Tag(reader.GetString(2), reader.GetString(3)));
            }
        }
        return await GroupAsync(c, $"""
            SELECT i.run_pk, d.dataset_pk, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk WHERE i.run_pk IN ({pks}) ORDER BY d.dataset_pk
            """, r => new DatasetInput(
                new Dataset(r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.NullableString(6), r.NullableString(7)),
                tagsByInput.GetValueOrDefault((r.GetInt64(0), r.GetInt64(1))) ?? []), ct);
    }

    private static async Task<Dictionary<long, List<T>>> GroupAsync<T>(SqliteConnection c, string sql, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        var groups = new Dictionary<long, List<T>>();
        await using var command = c.Command(sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var pk = reader.GetInt64(0);
            if (!groups.TryGetValue(pk, out var list))
            {
                groups[pk] = list = [];
            }
            list.Add(read(reader));
        }
        return groups;
    }
}
