using Keel.Core.Common;
using Keel.Core.Registry;
using Keel.Core.Registry.Governance;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Npgsql;

namespace Keel.Storage.Postgres;

internal sealed partial class PostgresRegistryStore
{
    public Task<ModelVersion> CreateModelVersionAsync(NewModelVersion version, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            // One statement takes the number and the row lock: a concurrent creator, in this or another replica, waits
            // for the commit and then reads the incremented counter, so no two versions share a number.
            long pk, number;
            await using (var command = c.Command("""
                UPDATE registered_models SET next_version = next_version + 1, last_updated_timestamp = $2
                WHERE name = $1 RETURNING model_pk, next_version - 1;
                """, t, version.Name, version.CreationTimestamp))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    throw ModelNotFound(version.Name);
                }
                (pk, number) = (reader.GetInt64(0), reader.GetInt64(1));
            }
            await c.ExecAsync(t, """
                INSERT INTO model_versions (model_pk, version, creation_timestamp, last_updated_timestamp, user_id, current_stage,
                    description, source, run_id, status, status_message, run_link)
                VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, '', $10);
                """, ct, pk, number, version.CreationTimestamp, version.UserId, ModelStage.None, version.Description,
                version.Source, version.RunId, ModelVersionStatus.Ready, version.RunLink);
            foreach (var tag in version.Tags)
            {
                await UpsertVersionTagAsync(c, t, pk, number, tag, ct);
            }
            return (await ReadVersionAsync(c, version.Name, number, ct))!;
        }, ct);

    public Task<ModelVersion?> GetModelVersionAsync(string name, long version, CancellationToken ct = default) =>
        database.ReadAsync(c => ReadVersionAsync(c, name, version, ct), ct);

    public Task UpdateModelVersionAsync(string name, long version, string description, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockVersionAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "UPDATE model_versions SET description = $1, last_updated_timestamp = $2 WHERE model_pk = $3 AND version = $4;",
                ct, description, now, pk, version);
        }, ct);

    public Task<ModelVersion> TransitionStageAsync(string name, long version, string stage, bool archiveExisting, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockVersionAsync(c, t, name, version, ct);
            if (archiveExisting && stage is ModelStage.Staging or ModelStage.Production)
            {
                await c.ExecAsync(t, """
                    UPDATE model_versions SET current_stage = $1, last_updated_timestamp = $2
                    WHERE model_pk = $3 AND version <> $4 AND current_stage = $5;
                    """, ct, ModelStage.Archived, now, pk, version, stage);
            }
            await c.ExecAsync(t, "UPDATE model_versions SET current_stage = $1, last_updated_timestamp = $2 WHERE model_pk = $3 AND version = $4;",
                ct, stage, now, pk, version);
            await TouchModelAsync(c, t, pk, now, ct);
            return (await ReadVersionAsync(c, name, version, ct))!;
        }, ct);

    // Tags and aliases of the version go with the row (ON DELETE CASCADE); next_version is untouched, so the number stays used.
    public Task DeleteModelVersionAsync(string name, long version, ModelVersionDeletion deletion, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockModelAsync(c, t, name, ct);
            // Recorded before the row goes: its aliases leave with it (cascade), and the history must say so.
            await c.ExecAsync(t, """
                INSERT INTO model_alias_moves (model_pk, alias, previous_version, new_version, user_id, reason, kind, moved_at)
                SELECT model_pk, alias, version, NULL, $3, $4, $5, $6 FROM registered_model_aliases
                WHERE model_pk = $1 AND version = $2 ORDER BY alias;
                """, ct, pk, version, deletion.User, ModelVersionDeletion.ReasonFor(version), AliasMoveKinds.Delete, deletion.Timestamp);
            if (await c.ExecAsync(t, "DELETE FROM model_versions WHERE model_pk = $1 AND version = $2;", ct, pk, version) == 0)
            {
                throw VersionNotFound(name, version);
            }
        }, ct);

    public Task<Page<ModelVersion>> SearchModelVersionsAsync(RegistryQuery query, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var p = new SqlParameters();
            var where = query.Filter is null ? "TRUE" : RegistrySearchSql.VersionWhere(query.Filter, p);
            var versions = await ReadVersionsAsync(c, $"""
                {where}
                ORDER BY {RegistrySearchSql.VersionOrderBy(query.OrderBy)}
                LIMIT {p.Add(query.MaxResults + 1L)} OFFSET {p.Add(query.Offset)}
                """, p, ct);
            var hasMore = versions.Count > query.MaxResults;
            return new Page<ModelVersion>(
                hasMore ? versions.Take(query.MaxResults).ToArray() : versions,
                hasMore ? PageToken.Encode(query.Offset + query.MaxResults) : null);
        }, ct);

    public Task SetModelVersionTagAsync(string name, long version, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockVersionAsync(c, t, name, version, ct);
            await UpsertVersionTagAsync(c, t, pk, version, tag, ct);
            await c.ExecAsync(t, "UPDATE model_versions SET last_updated_timestamp = $1 WHERE model_pk = $2 AND version = $3;", ct, now, pk, version);
        }, ct);

    public Task DeleteModelVersionTagAsync(string name, long version, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockVersionAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "DELETE FROM model_version_tags WHERE model_pk = $1 AND version = $2 AND key = $3;", ct, pk, version, key);
        }, ct);

    private static Task<int> UpsertVersionTagAsync(NpgsqlConnection c, NpgsqlTransaction t, long pk, long version, Tag tag, CancellationToken ct) =>
        c.ExecAsync(t, """
            INSERT INTO model_version_tags (model_pk, version, key, value) VALUES ($1, $2, $3, $4)
            ON CONFLICT (model_pk, version, key) DO UPDATE SET value = excluded.value;
            """, ct, pk, version, tag.Key, tag.Value);
}
