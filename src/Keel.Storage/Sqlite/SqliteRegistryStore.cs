using Keel.Core.Common;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// <see cref="IRegistryStore"/> on the same SQLite file as the tracking store (it shares its
/// <see cref="SqliteDatabase"/>, so both write through one writer). Models here, versions in the partial file.
/// </summary>
internal sealed partial class SqliteRegistryStore(SqliteDatabase database) : IRegistryStore
{
    private const int UniqueViolation = 2067;
    private static readonly string[] ModelTables = ["registered_model_aliases", "model_version_tags", "model_versions", "registered_model_tags", "registered_models"];
    private static readonly string[] VersionTables = ["registered_model_aliases", "model_version_tags", "model_versions"];
    private const string ModelColumns = "m.model_pk, m.name, m.creation_timestamp, m.last_updated_timestamp, m.description";

    public async Task<RegisteredModel> CreateRegisteredModelAsync(NewRegisteredModel model, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            long pk;
            try
            {
                pk = (long)(await c.ScalarAsync(t, """
                    INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description, next_version)
                    VALUES ($p0, $p1, $p1, $p2, 1) RETURNING model_pk;
                    """, ct, model.Name, model.CreationTimestamp, model.Description))!;
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Registered Model (name={model.Name}) already exists.");
            }
            foreach (var tag in model.Tags)
            {
                await c.ExecAsync(t, "INSERT OR REPLACE INTO registered_model_tags (model_pk, key, value) VALUES ($p0, $p1, $p2);", ct, pk, tag.Key, tag.Value);
            }
        }, ct);
        return (await GetRegisteredModelAsync(model.Name, ct))!;
    }

    public Task<RegisteredModel?> GetRegisteredModelAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var p = new SqlParameters();
            var models = await ReadModelsAsync(c, $"SELECT {ModelColumns} FROM registered_models m WHERE m.name = {p.Add(name)}", p, ct);
            return models.Count > 0 ? models[0] : null;
        }, ct);

    public Task RenameRegisteredModelAsync(string name, string newName, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await ModelPkAsync(c, t, name, ct);
            try
            {
                await c.ExecAsync(t, "UPDATE registered_models SET name = $p0, last_updated_timestamp = $p1 WHERE model_pk = $p2;", ct, newName, now, pk);
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Registered Model (name={newName}) already exists.");
            }
        }, ct);

    public Task UpdateRegisteredModelAsync(string name, string description, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await ModelPkAsync(c, t, name, ct);
            await c.ExecAsync(t, "UPDATE registered_models SET description = $p0, last_updated_timestamp = $p1 WHERE model_pk = $p2;", ct, description, now, pk);
        }, ct);

    public Task DeleteRegisteredModelAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await ModelPkAsync(c, t, name, ct);
            foreach (var table in ModelTables)
            {
                await c.ExecAsync(t, $"DELETE FROM {table} WHERE model_pk = $p0;", ct, pk);
            }
        }, ct);

    public Task<Page<RegisteredModel>> SearchRegisteredModelsAsync(RegistryQuery query, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var p = new SqlParameters();
            var where = query.Filter is null ? "1 = 1" : RegistrySearchSql.ModelWhere(query.Filter, p);
            var sql = $"""
                SELECT {ModelColumns} FROM registered_models m WHERE {where}
                ORDER BY {RegistrySearchSql.ModelOrderBy(query.OrderBy)}
                LIMIT {p.Add(query.MaxResults + 1)} OFFSET {p.Add(query.Offset)}
                """;
            var models = await ReadModelsAsync(c, sql, p, ct);
            var hasMore = models.Count > query.MaxResults;
            return new Page<RegisteredModel>(
                hasMore ? models.Take(query.MaxResults).ToArray() : models,
                hasMore ? PageToken.Encode(query.Offset + query.MaxResults) : null);
        }, ct);

    public Task SetRegisteredModelTagAsync(string name, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await ModelPkAsync(c, t, name, ct);
            await c.ExecAsync(t, "INSERT OR REPLACE INTO registered_model_tags (model_pk, key, value) VALUES ($p0, $p1, $p2);", ct, pk, tag.Key, tag.Value);
            await c.ExecAsync(t, "UPDATE registered_models SET last_updated_timestamp = $p0 WHERE model_pk = $p1;", ct, now, pk);
        }, ct);

    public Task DeleteRegisteredModelTagAsync(string name, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await ModelPkAsync(c, t, name, ct);
            await c.ExecAsync(t, "DELETE FROM registered_model_tags WHERE model_pk = $p0 AND key = $p1;", ct, pk, key);
        }, ct);

    public Task SetAliasAsync(string name, string aliasName, long version, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await VersionPkAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "INSERT OR REPLACE INTO registered_model_aliases (model_pk, alias, version) VALUES ($p0, $p1, $p2);", ct, pk, aliasName, version);
            await c.ExecAsync(t, "UPDATE registered_models SET last_updated_timestamp = $p0 WHERE model_pk = $p1;", ct, now, pk);
        }, ct);

    public Task DeleteAliasAsync(string name, string aliasName, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await ModelPkAsync(c, t, name, ct);
            await c.ExecAsync(t, "DELETE FROM registered_model_aliases WHERE model_pk = $p0 AND alias = $p1;", ct, pk, aliasName);
        }, ct);

    private static async Task<long> ModelPkAsync(SqliteConnection c, SqliteTransaction t, string name, CancellationToken ct) =>
        await c.ScalarAsync(t, "SELECT model_pk FROM registered_models WHERE name = $p0;", ct, name) as long?
            ?? throw KeelException.NotFound($"Registered Model with name={name} not found");

    private static async Task<long> VersionPkAsync(SqliteConnection c, SqliteTransaction t, string name, long version, CancellationToken ct)
    {
        var pk = await ModelPkAsync(c, t, name, ct);
        return await c.ScalarAsync(t, "SELECT 1 FROM model_versions WHERE model_pk = $p0 AND version = $p1;", ct, pk, version) is null
            ? throw KeelException.NotFound($"Model Version (name={name}, version={version}) not found")
            : pk;
    }

    private static async Task<IReadOnlyList<RegisteredModel>> ReadModelsAsync(SqliteConnection c, string sql, SqlParameters p, CancellationToken ct)
    {
        var rows = new List<(long Pk, string Name, long Created, long Updated, string Description)>();
        await using (var command = c.Command(sql, p))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4)));
            }
        }
        if (rows.Count == 0)
        {
            return [];
        }
        var pks = string.Join(",", rows.Select(r => r.Pk));
        var tags = await ReadTagsAsync(c, $"SELECT model_pk, 0, key, value FROM registered_model_tags WHERE model_pk IN ({pks}) ORDER BY key", ct);
        var aliases = new Dictionary<long, List<ModelAlias>>();
        await using (var command = c.Command($"SELECT model_pk, alias, version FROM registered_model_aliases WHERE model_pk IN ({pks}) ORDER BY alias"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                Add(aliases, reader.GetInt64(0), new ModelAlias(reader.GetString(1), reader.GetInt64(2)));
            }
        }
        // MLflow's latest_versions: the newest version of each stage.
        var latest = await ReadVersionsAsync(c, $"""
            v.model_pk IN ({pks}) AND v.version = (SELECT max(v2.version) FROM model_versions v2
                WHERE v2.model_pk = v.model_pk AND v2.current_stage = v.current_stage)
            ORDER BY v.version
            """, new SqlParameters(), ct);
        return rows.Select(r => new RegisteredModel(
            r.Name, r.Created, r.Updated, r.Description,
            latest.Where(v => v.Name == r.Name).ToArray(),
            tags.TryGetValue((r.Pk, 0), out var tagList) ? tagList : [],
            aliases.TryGetValue(r.Pk, out var aliasList) ? aliasList : [])).ToArray();
    }

    private static async Task<Dictionary<(long, long), List<Tag>>> ReadTagsAsync(SqliteConnection c, string sql, CancellationToken ct)
    {
        var tags = new Dictionary<(long, long), List<Tag>>();
        await using var command = c.Command(sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            Add(tags, (reader.GetInt64(0), reader.GetInt64(1)), new Tag(reader.GetString(2), reader.GetString(3)));
        }
        return tags;
    }

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }
        list.Add(value);
    }
}
