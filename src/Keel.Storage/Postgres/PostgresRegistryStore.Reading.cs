using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>Reads models and versions with their tags and aliases: one query per kind of child for the whole page.</summary>
internal sealed partial class PostgresRegistryStore
{
    private const string ModelColumns = "m.model_pk, m.name, m.creation_timestamp, m.last_updated_timestamp, m.description";
    private const string VersionColumns = """
        v.model_pk, m.name, v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage,
        v.description, v.source, v.run_id, v.status, v.status_message, v.run_link
        """;

    private static async Task<RegisteredModel?> ReadModelAsync(NpgsqlConnection c, string name, CancellationToken ct)
    {
        var p = new SqlParameters();
        var models = await ReadModelsAsync(c, $"SELECT {ModelColumns} FROM registered_models m WHERE m.name = {p.Add(name)}", p, ct);
        return models.Count > 0 ? models[0] : null;
    }

    private static async Task<ModelVersion?> ReadVersionAsync(NpgsqlConnection c, string name, long version, CancellationToken ct)
    {
        var p = new SqlParameters();
        var versions = await ReadVersionsAsync(c, $"m.name = {p.Add(name)} AND v.version = {p.Add(version)}", p, ct);
        return versions.Count > 0 ? versions[0] : null;
    }

    private static async Task<IReadOnlyList<RegisteredModel>> ReadModelsAsync(NpgsqlConnection c, string sql, SqlParameters p, CancellationToken ct)
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
        var pks = rows.Select(r => r.Pk).ToArray();
        var tags = await ReadTagsAsync(c, "SELECT model_pk, 0::bigint, key, value FROM registered_model_tags WHERE model_pk = ANY($1) ORDER BY key", pks, ct);
        var aliases = new Dictionary<long, List<ModelAlias>>();
        await using (var command = c.Command("SELECT model_pk, alias, version FROM registered_model_aliases WHERE model_pk = ANY($1) ORDER BY alias", null, pks))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                Add(aliases, reader.GetInt64(0), new ModelAlias(reader.GetString(1), reader.GetInt64(2)));
            }
        }
        // MLflow's latest_versions: the newest version of each stage.
        var latestParameters = new SqlParameters();
        var latest = await ReadVersionsAsync(c, $"""
            v.model_pk = ANY({latestParameters.Add(pks)}) AND v.version = (SELECT max(v2.version) FROM model_versions v2
                WHERE v2.model_pk = v.model_pk AND v2.current_stage = v.current_stage)
            ORDER BY v.version
            """, latestParameters, ct);
        return rows.Select(r => new RegisteredModel(
            r.Name, r.Created, r.Updated, r.Description,
            latest.Where(v => v.Name == r.Name).ToArray(),
            tags.TryGetValue((r.Pk, 0), out var tagList) ? tagList : [],
            aliases.TryGetValue(r.Pk, out var aliasList) ? aliasList : [])).ToArray();
    }

    // 'whereAndOrder' follows WHERE: a condition, optionally with ORDER BY and LIMIT.
    private static async Task<IReadOnlyList<ModelVersion>> ReadVersionsAsync(NpgsqlConnection c, string whereAndOrder, SqlParameters p, CancellationToken ct)
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
        var pks = rows.Select(r => r.Pk).Distinct().ToArray();
        var tags = await ReadTagsAsync(c, "SELECT model_pk, version, key, value FROM model_version_tags WHERE model_pk = ANY($1) ORDER BY key", pks, ct);
        var aliases = new Dictionary<(long, long), List<string>>();
        await using (var command = c.Command("SELECT model_pk, version, alias FROM registered_model_aliases WHERE model_pk = ANY($1) ORDER BY alias", null, pks))
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

    private static async Task<Dictionary<(long, long), List<Tag>>> ReadTagsAsync(NpgsqlConnection c, string sql, long[] pks, CancellationToken ct)
    {
        var tags = new Dictionary<(long, long), List<Tag>>();
        await using var command = c.Command(sql, null, pks);
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
