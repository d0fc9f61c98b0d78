using Keel.Core.Common;
using Keel.Core.Tracking;
using Npgsql;

namespace Keel.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    private const string RunColumns =
        "r.run_pk, r.run_id, r.name, r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage";

    public async Task<Run> CreateRunAsync(NewRun run, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            var pk = (long)(await c.ScalarAsync(t, """
                INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, artifact_uri, lifecycle_stage)
                VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6, 'active') RETURNING run_pk;
                """, ct, run.RunId, ParseId(run.ExperimentId), run.RunName, run.UserId, run.StartTime, run.ArtifactUri))!;
            await UpsertRunTagsAsync(c, t, pk, run.Tags, ct);
        }, ct);
        return (await GetRunAsync(run.RunId, ct))!;
    }

    public Task<Run?> GetRunAsync(string runId, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            await using var command = c.Command($"SELECT {RunColumns} FROM runs r WHERE r.run_id = $1", null, runId);
            return First(await ReadRunsAsync(c, command, ct));
        }, ct);

    public Task<RunInfo?> GetRunInfoAsync(string runId, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            await using var command = c.Command($"SELECT {RunColumns} FROM runs r WHERE r.run_id = $1", null, runId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadInfo(reader).Info : null;
        }, ct);

    public async Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            await c.ExecAsync(t, """
                UPDATE runs SET status = coalesce($1, status), end_time = coalesce($2, end_time), name = coalesce($3, name)
                WHERE run_pk = $4;
                """, ct, status?.ToWire(), endTime, runName, pk);
            if (runName is not null)
            {
                await UpsertRunTagsAsync(c, t, pk, [new Tag(TrackingService.RunNameTag, runName)], ct);
            }
        }, ct);
        return (await GetRunInfoAsync(runId, ct))!;
    }

    public Task SetRunLifecycleAsync(string runId, string lifecycleStage, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await RunPkAsync(c, t, runId, ct);
            await c.ExecAsync(t, """
                UPDATE runs SET lifecycle_stage = $1, deleted_time = CASE WHEN $1 = 'deleted' THEN $2 ELSE NULL END
                WHERE run_pk = $3;
                """, ct, lifecycleStage, now, pk);
        }, ct);

    private static async Task<long> RunPkAsync(NpgsqlConnection c, NpgsqlTransaction t, string runId, CancellationToken ct) =>
        await c.ScalarAsync(t, "SELECT run_pk FROM runs WHERE run_id = $1", ct, runId) is long pk
            ? pk
            : throw KeelException.NotFound($"Run with id={runId} not found");

    private static (long Pk, RunInfo Info) ReadInfo(NpgsqlDataReader reader) =>
        (reader.GetInt64(0), new RunInfo(
            RunId: reader.GetString(1),
            RunName: reader.GetString(2),
            ExperimentId: Id(reader.GetInt64(3)),
            UserId: reader.GetString(4),
            Status: Enum.GetValues<RunStatus>().First(s => s.ToWire() == reader.GetString(5)),
            StartTime: reader.GetInt64(6),
            EndTime: reader.NullableInt64(7),
            ArtifactUri: reader.GetString(8),
            LifecycleStage: reader.GetString(9)));

    /// <summary>Reads run rows in order, then their params, tags, latest metrics and inputs in batched queries.</summary>
    private static async Task<IReadOnlyList<Run>> ReadRunsAsync(NpgsqlConnection c, NpgsqlCommand command, CancellationToken ct)
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
        var pks = infos.Select(i => i.Pk).ToArray();
        var parameters = await GroupAsync(c, "SELECT run_pk, key, value FROM params WHERE run_pk = ANY($1) ORDER BY key",
            pks, r => new Param(r.GetString(1), r.GetString(2)), ct);
        var tags = await GroupAsync(c, "SELECT run_pk, key, value FROM tags WHERE run_pk = ANY($1) ORDER BY key",
            pks, r => new Tag(r.GetString(1), r.GetString(2)), ct);
        var metrics = await GroupAsync(c, """
            SELECT lm.run_pk, k.key, lm.value, lm.timestamp, lm.step FROM latest_metrics lm
            JOIN metric_keys k ON k.key_id = lm.key_id WHERE lm.run_pk = ANY($1) ORDER BY k.key
            """, pks, r => new Metric(r.GetString(1), r.IsDBNull(2) ? double.NaN : r.GetDouble(2), r.GetInt64(3), r.GetInt64(4)), ct);
        var inputs = await ReadInputsAsync(c, pks, ct);
        return infos.Select(i => new Run(
            i.Info,
            metrics.GetValueOrDefault(i.Pk) ?? [],
            parameters.GetValueOrDefault(i.Pk) ?? [],
            tags.GetValueOrDefault(i.Pk) ?? [],
            inputs.GetValueOrDefault(i.Pk) ?? [])).ToArray();
    }

    private static async Task<Dictionary<long, List<DatasetInput>>> ReadInputsAsync(NpgsqlConnection c, long[] pks, CancellationToken ct)
    {
        var tagsByInput = new Dictionary<(long, long), List<Tag>>();
        await using (var command = c.Command("SELECT run_pk, dataset_pk, key, value FROM input_tags WHERE run_pk = ANY($1) ORDER BY key", null, pks))
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
        return await GroupAsync(c, """
            SELECT i.run_pk, d.dataset_pk, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk WHERE i.run_pk = ANY($1) ORDER BY d.dataset_pk
            """, pks, r => new DatasetInput(
                new Dataset(r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.NullableString(6), r.NullableString(7)),
                tagsByInput.GetValueOrDefault((r.GetInt64(0), r.GetInt64(1))) ?? []), ct);
    }

    /// <summary>Rows of <paramref name="sql"/> (first column the owner's key, <c>$1</c> the owners) grouped by owner.</summary>
    private static async Task<Dictionary<long, List<T>>> GroupAsync<T>(
        NpgsqlConnection c, string sql, long[] owners, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var groups = new Dictionary<long, List<T>>();
        await using var command = c.Command(sql, null, owners);
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
