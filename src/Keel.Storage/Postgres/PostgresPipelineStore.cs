using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// <see cref="IPipelineStore"/> on the tracking store's PostgreSQL data source. Every compare-and-set is one conditional
/// UPDATE on the row it guards, which PostgreSQL re-checks after waiting for a competing writer's row lock, so of several
/// replicas or workers exactly one wins.
/// </summary>
internal sealed partial class PostgresPipelineStore(PostgresDatabase database) : IPipelineStore
{
    private const string PipelineColumns =
        "name, pipeline_yaml, params_yaml, workspace_manifest, schedule, triggers_json, created_at, updated_at, next_run_at";

    public Task<RegisteredPipeline> UpsertPipelineAsync(RegisteredPipeline pipeline, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return database.WriteAsync(async (c, t) =>
        {
            await c.ExecAsync(t, $"""
                INSERT INTO pipelines ({PipelineColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (name) DO UPDATE SET pipeline_yaml = excluded.pipeline_yaml, params_yaml = excluded.params_yaml,
                    workspace_manifest = excluded.workspace_manifest, schedule = excluded.schedule, triggers_json = excluded.triggers_json,
                    updated_at = excluded.updated_at, next_run_at = excluded.next_run_at;
                """, ct, pipeline.Name, pipeline.PipelineYaml, pipeline.ParamsYaml, pipeline.WorkspaceManifest, pipeline.Schedule,
                PipelineStoreJson.WriteTriggers(pipeline.Triggers), pipeline.CreatedAt, pipeline.UpdatedAt, pipeline.NextRunAt);
            var stored = await ReadPipelinesAsync(c, t, "WHERE name = $1", ct, pipeline.Name);
            return stored[0];
        }, ct);
    }

    public Task<RegisteredPipeline?> GetPipelineAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadPipelinesAsync(c, null, "WHERE name = $1", ct, name);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<IReadOnlyList<RegisteredPipeline>> ListPipelinesAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => ReadPipelinesAsync(c, null, "ORDER BY name", ct), ct);

    // Runs, stages and attempts go with the row (ON DELETE CASCADE).
    public Task DeletePipelineAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecAsync(t, "DELETE FROM pipelines WHERE name = $1;", ct, name) == 0)
            {
                throw KeelException.NotFound($"Pipeline '{name}' not found.");
            }
        }, ct);

    public Task<bool> TryClaimScheduleAsync(string name, long expectedNextRunAt, long? newNextRunAt, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
            await c.ExecAsync(t, "UPDATE pipelines SET next_run_at = $3 WHERE name = $1 AND next_run_at = $2;", ct, name, expectedNextRunAt, newNextRunAt) == 1,
            ct);

    public Task<IReadOnlyDictionary<string, string>?> GetCachedOutsAsync(string inputKey, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
            await c.ScalarAsync(null, "SELECT outs_json FROM pipeline_run_cache WHERE input_key = $1;", ct, inputKey) is string json
                ? PipelineStoreJson.ReadMap(json)
                : null, ct);

    public Task PutCachedOutsAsync(string inputKey, IReadOnlyDictionary<string, string> outs, long now, CancellationToken ct = default) =>
        database.WriteAsync((c, t) => c.ExecAsync(t,
            "INSERT INTO pipeline_run_cache (input_key, outs_json, created_at) VALUES ($1, $2, $3) ON CONFLICT (input_key) DO NOTHING;",
            ct, inputKey, PipelineStoreJson.WriteMap(outs), now), ct);

    private static async Task<IReadOnlyList<RegisteredPipeline>> ReadPipelinesAsync(
        NpgsqlConnection c, NpgsqlTransaction? t, string where, CancellationToken ct, params object?[] values)
    {
        var pipelines = new List<RegisteredPipeline>();
        await using var command = c.Command($"SELECT {PipelineColumns} FROM pipelines {where};", t, values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pipelines.Add(new RegisteredPipeline(reader.GetString(0), reader.GetString(1), reader.NullableString(2), reader.NullableString(3),
                reader.NullableString(4), PipelineStoreJson.ReadTriggers(reader.GetString(5)), reader.GetInt64(6), reader.GetInt64(7), reader.NullableInt64(8)));
        }
        return pipelines;
    }
}

/// <summary>The pipeline store on the same data source as the tracking store.</summary>
internal sealed partial class PostgresTrackingStore
{
    internal IPipelineStore CreatePipelineStore() => new PostgresPipelineStore(database);
}
