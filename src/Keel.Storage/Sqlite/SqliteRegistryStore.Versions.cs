using Keel.Core.Common;
using Keel.Core.Registry;
using Keel.Core.Registry.Governance;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

internal sealed partial class SqliteRegistryStore
{
    private const string VersionColumns = """
        v.model_pk, m.name, v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage,
        v.description, v.source, v.run_id, v.status, v.status_message, v.run_link
        """;

    public async Task<ModelVersion> CreateModelVersionAsync(NewModelVersion version, CancellationToken ct = default)
    {
        var number = await database.WriteAsync(async (c, t) =>
        {
            var pk = await ModelPkAsync(c, t, version.Name, ct);
            var next = (long)(await c.ScalarAsync(t,
                "UPDATE registered_models SET next_version = next_version + 1, last_updated_timestamp = $p1 WHERE model_pk = $p0 RETURNING next_version - 1;",
                ct, pk, version.CreationTimestamp))!;
            await c.ExecAsync(t, """
                INSERT INTO model_versions (model_pk, version, creation_timestamp, last_updated_timestamp, user_id, current_stage,
                    description, source, run_id, status, status_message, run_link)
                VALUES ($p0, $p1, $p2, $p2, $p3, $p4, $p5, $p6, $p7, $p8, '', $p9);
                """, ct, pk, next, version.CreationTimestamp, version.UserId, ModelStage.None, version.Description,
                version.Source, version.RunId, ModelVersionStatus.Ready, version.RunLink);
            foreach (var tag in version.Tags)
            {
                await c.ExecAsync(t, "INSERT OR REPLACE INTO model_version_tags (model_pk, version, key, value) VALUES ($p0, $p1, $p2, $p3);", ct, pk, next, tag.Key, tag.Value);
            }
            return next;
        }, ct);
        return (await GetModelVersionAsync(version.Name, number, ct))!;
    }

    public Task<ModelVersion?> GetModelVersionAsync(string name, long version, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var p = new SqlParameters();
            var versions = await ReadVersionsAsync(c, $"m.name = {p.Add(name)} AND v.version = {p.Add(version)}", p, ct);
            return versions.Count > 0 ? versions[0] : null;
        }, ct);

    public Task UpdateModelVersionAsync(string name, long version, string description, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await VersionPkAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "UPDATE model_versions SET description = $p0, last_updated_timestamp = $p1 WHERE model_pk = $p2 AND version = $p3;", ct, description, now, pk, version);
        }, ct);

    public async Task<ModelVersion> TransitionStageAsync(string name, long version, string stage, bool archiveExisting, long now, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            var pk = await VersionPkAsync(c, t, name, version, ct);
            if (archiveExisting && stage is ModelStage.Staging or ModelStage.Production)
            {
                await c.ExecAsync(t, """
                    UPDATE model_versions SET current_stage = $p0, last_updated_timestamp = $p1
                    WHERE model_pk = $p2 AND version != $p3 AND current_stage = $p4;
                    """, ct, ModelStage.Archived, now, pk, version, stage);
            }
            await c.ExecAsync(t, "UPDATE model_versions SET current_stage = $p0, last_updated_timestamp = $p1 WHERE model_pk = $p2 AND version = $p3;", ct, stage, now, pk, version);
            await c.ExecAsync(t, "UPDATE registered_models SET last_updated_timestamp = $p0 WHERE model_pk = $p1;", ct, now, pk);
        }, ct);
        return (await GetModelVersionAsync(name, version, ct))!;
    }

    public Task DeleteModelVersionAsync(string name, long version, ModelVersionDeletion deletion, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await VersionPkAsync(c, t, name, version, ct);
            await c.ExecAsync(t, """
                INSERT INTO model_alias_moves (model_pk, alias, previous_version, new_version, user_id, reason, kind, moved_at)
                SELECT model_pk, alias, version, NULL, $p2, $p3, $p4, $p5 FROM registered_model_aliases
                WHERE model_pk = $p0 AND version = $p1 ORDER BY alias;
                """, ct, pk, version, deletion.User, ModelVersionDeletion.ReasonFor(version), AliasMoveKinds.Delete, deletion.Timestamp);
            foreach (var table in VersionTables)
            {
                await c.ExecAsync(t, $"DELETE FROM {table} WHERE model_pk = $p0 AND version = $p1;", ct, pk, version);
            }
        }, ct);

    public Task<Page<ModelVersion>> SearchModelVersionsAsync(RegistryQuery query, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var p = new SqlParameters();
            var where = query.Filter is null ? "1 = 1" : RegistrySearchSql.VersionWhere(query.Filter, p);
            var versions = await ReadVersionsAsync(c, $"""
                {where}
                ORDER BY {RegistrySearchSql.VersionOrderBy(query.OrderBy)}
                LIMIT {p.Add(query.MaxResults + 1)} OFFSET {p.Add(query.Offset)}
                """, p, ct);
            var hasMore = versions.Count > query.MaxResults;
            return new Page<ModelVersion>(
                hasMore ? versions.Take(query.MaxResults).ToArray() : versions,
                hasMore ? PageToken.Encode(query.Offset + query.MaxResults) : null);
        }, ct);

    public Task SetModelVersionTagAsync(string name, long version, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await VersionPkAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "INSERT OR REPLACE INTO model_version_tags (model_pk, version, key, value) VALUES ($p0, $p1, $p2, $p3);", ct, pk, version, tag.Key, tag.Value);
            await c.ExecAsync(t, "UPDATE model_versions SET last_updated_timestamp = $p0 WHERE model_pk = $p1 AND version = $p2;", ct, now, pk, version);
        }, ct);

    public Task DeleteModelVersionTagAsync(string name, long version, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await VersionPkAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "DELETE FROM model_version_tags WHERE model_pk = $p0 AND version = $p1 AND key = $p2;", ct, pk, version, key);
        }, ct);

    // 'whereAndOrder' follows WHERE: a condition, optionally with ORDER BY and LIMIT.
    private static async Task<IReadOnlyList<ModelVersion>> ReadVersionsAsync(SqliteConnection c, string whereAndOrder, SqlParameters p, CancellationToken ct)
    {
        var rows = new List<(long Pk, ModelVersion Version)>();
        var sql = $"SELECT {VersionColumns} FROM model_versions v JOIN registered_models m ON m.model_pk = v.model_pk WHERE {whereAndOrder}";
        await using (var command = c.Command(sql, p))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), new ModelVersion(
                    reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5),
                    reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.GetString(10),
                    reader.GetString(11), reader.GetString(12), [], [])));
            }
        }
        if (rows.Count == 0)
        {
            return [];
        }
        var pks = string.Join(",", rows.Select(r => r.Pk).Distinct());
        var tags = await ReadTagsAsync(c, $"SELECT model_pk, version, key, value FROM model_version_tags WHERE model_pk IN ({pks}) ORDER BY key", ct);
        var aliases = new Dictionary<(long, long), List<string>>();
        await using (var command = c.Command($"SELECT model_pk, version, alias FROM registered_model_aliases WHERE model_pk IN ({pks}) ORDER BY alias"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                Add(aliases, (reader.GetInt64(0), reader.GetInt64(1)), reader.GetString(2));
            }
        }
        return rows.Select(r => r.Version with
        {
            Tags = tags.TryGetValue((r.Pk, r.Version.Version), out var tagList) ? tagList : [],
            Aliases = aliases.TryGetValue((r.Pk, r.Version.Version), out var aliasList) ? aliasList : [],
        }).ToArray();
    }
}
