using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Core.Datasets;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>Dataset versions: numbered by an atomic counter update, so concurrent creates in any replica never share a number.</summary>
internal sealed partial class PostgresDatasetStore
{
    // Listings leave the profile out (NULL): it can be large, and only a single version's answer carries it.
    private const string WithProfile = "v.dataset_version_pk, v.profile, " + VersionColumns;
    private const string WithoutProfile = "v.dataset_version_pk, NULL::text, " + VersionColumns;
    private const string VersionColumns = """
        d.name, v.version, v.manifest_hash, v.size, v.file_count, v.kind, v.description, v.run_id,
        v.source, v.row_count, v.schema, v.creation_timestamp, v.last_updated_timestamp
        FROM dataset_versions v JOIN registered_datasets d ON d.dataset_pk = v.dataset_pk
        """;

    public Task<DatasetVersion> CreateVersionAsync(NewDatasetVersion version, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            // Taking the number also locks the dataset row until commit; a concurrent creator then reads the next one.
            long pk, number;
            await using (var command = c.Command("""
                UPDATE registered_datasets SET next_version = next_version + 1, last_updated_timestamp = $2
                WHERE name = $1 RETURNING dataset_pk, next_version - 1;
                """, t, version.Name, version.Now))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    throw DatasetNotFound(version.Name);
                }
                (pk, number) = (reader.GetInt64(0), reader.GetInt64(1));
            }
            var versionPk = (long)(await c.ScalarAsync(t, """
                INSERT INTO dataset_versions (dataset_pk, version, manifest_hash, size, file_count, kind, description, run_id, source,
                    row_count, schema, profile, creation_timestamp, last_updated_timestamp)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text, $9::text, $10::bigint, $11::text, $12::text, $13, $13) RETURNING dataset_version_pk;
                """, ct, pk, number, version.ManifestHash, version.Size, version.FileCount, version.Kind, version.Description, version.RunId,
                version.Source, version.RowCount, version.Schema is null ? null : DatasetSchemaJson.Write(version.Schema), version.Profile?.ToJson(),
                version.Now))!;
            foreach (var tag in version.Tags)
            {
                await UpsertVersionTagAsync(c, t, versionPk, tag, ct);
            }
            return new DatasetVersion(version.Name, number, version.ManifestHash, version.Size, version.FileCount, version.Kind, version.Description,
                version.Tags.OrderBy(tag => tag.Key, StringComparer.Ordinal).ToArray(), version.RunId, version.Source, version.RowCount,
                version.Schema, version.Profile, version.Now, version.Now);
        }, ct);

    public Task<DatasetVersion?> GetVersionAsync(string name, long version, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadVersionsAsync(c, $"SELECT {WithProfile} WHERE d.name = $1 AND v.version = $2", ct, name, version);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<Page<DatasetVersion>> ListVersionsAsync(string name, int maxResults, long offset, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadVersionsAsync(c, $"SELECT {WithoutProfile} WHERE d.name = $1 ORDER BY v.version DESC LIMIT $2 OFFSET $3",
                ct, name, maxResults + 1L, offset);
            var hasMore = found.Count > maxResults;
            return new Page<DatasetVersion>(
                hasMore ? found.Take(maxResults).ToArray() : found,
                hasMore ? PageToken.Encode(offset + maxResults) : null);
        }, ct);

    public Task SetVersionTagAsync(string name, long version, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockVersionAsync(c, t, name, version, ct);
            await UpsertVersionTagAsync(c, t, pk, tag, ct);
            await c.ExecAsync(t, "UPDATE dataset_versions SET last_updated_timestamp = $1 WHERE dataset_version_pk = $2;", ct, now, pk);
        }, ct);

    public Task DeleteVersionTagAsync(string name, long version, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockVersionAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "DELETE FROM dataset_version_tags WHERE dataset_version_pk = $1 AND key = $2;", ct, pk, key);
        }, ct);

    public Task<IReadOnlyList<DatasetVersion>> FindVersionsByManifestAsync(string manifestHash, CancellationToken ct = default) =>
        database.ReadAsync(c => ReadVersionsAsync(c, $"SELECT {WithoutProfile} WHERE v.manifest_hash = $1 ORDER BY v.creation_timestamp, d.name, v.version",
            ct, manifestHash), ct);

    private static Task<int> UpsertVersionTagAsync(NpgsqlConnection c, NpgsqlTransaction t, long versionPk, Tag tag, CancellationToken ct) =>
        c.ExecAsync(t, """
            INSERT INTO dataset_version_tags (dataset_version_pk, key, value) VALUES ($1, $2, $3)
            ON CONFLICT (dataset_version_pk, key) DO UPDATE SET value = excluded.value;
            """, ct, versionPk, tag.Key, tag.Value);

    private static async Task<long> LockVersionAsync(NpgsqlConnection c, NpgsqlTransaction t, string name, long version, CancellationToken ct)
    {
        var datasetPk = await LockDatasetAsync(c, t, name, ct);
        return await c.ScalarAsync(t, "SELECT dataset_version_pk FROM dataset_versions WHERE dataset_pk = $1 AND version = $2;", ct, datasetPk, version) as long?
            ?? throw KeelException.NotFound(string.Create(CultureInfo.InvariantCulture, $"Dataset '{name}' has no version {version}."));
    }

    private static async Task<IReadOnlyList<DatasetVersion>> ReadVersionsAsync(NpgsqlConnection c, string sql, CancellationToken ct, params object?[] values)
    {
        var rows = new List<(long Pk, DatasetVersion Version)>();
        await using (var command = c.Command(sql, null, values))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var profile = reader.NullableString(1);
                var schema = reader.NullableString(12);
                rows.Add((reader.GetInt64(0), new DatasetVersion(
                    reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetString(7),
                    reader.GetString(8), [], reader.NullableString(9), reader.NullableString(10), reader.NullableInt64(11),
                    schema is null ? null : DatasetSchemaJson.Read(schema), profile is null ? null : DatasetProfile.Parse(profile),
                    reader.GetInt64(13), reader.GetInt64(14))));
            }
        }
        var tags = await ReadTagsAsync(c, "SELECT dataset_version_pk, key, value FROM dataset_version_tags WHERE dataset_version_pk = ANY($1) ORDER BY key",
            rows.Select(r => r.Pk).ToArray(), ct);
        return rows.Select(r => r.Version with { Tags = tags.TryGetValue(r.Pk, out var list) ? list : [] }).ToArray();
    }
}
