using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Core.Datasets;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>Dataset versions: numbered in the writer's transaction, so concurrent creates never share a number.</summary>
internal sealed partial class SqliteDatasetStore
{
    // Listings leave the profile out (NULL): it can be large, and only a single version's answer carries it.
    private const string WithProfile = "v.dataset_version_pk, v.profile, " + VersionColumns;
    private const string WithoutProfile = "v.dataset_version_pk, NULL, " + VersionColumns;
    private const string VersionColumns = """
        d.name, v.version, v.manifest_hash, v.size, v.file_count, v.kind, v.description, v.run_id,
        v.source, v.row_count, v.schema, v.creation_timestamp, v.last_updated_timestamp
        FROM dataset_versions v JOIN registered_datasets d ON d.dataset_pk = v.dataset_pk
        """;

    public Task<DatasetVersion> CreateVersionAsync(NewDatasetVersion version, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await DatasetPkAsync(c, t, version.Name, ct);
            var number = (long)(await c.ScalarAsync(t, "SELECT next_version FROM registered_datasets WHERE dataset_pk = $p0;", ct, pk))!;
            var versionPk = (long)(await c.ScalarAsync(t, """
                INSERT INTO dataset_versions (dataset_pk, version, manifest_hash, size, file_count, kind, description, run_id, source,
                    row_count, schema, profile, creation_timestamp, last_updated_timestamp)
                VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p12) RETURNING dataset_version_pk;
                """, ct, pk, number, version.ManifestHash, version.Size, version.FileCount, version.Kind, version.Description, version.RunId,
                version.Source, version.RowCount, version.Schema is null ? null : DatasetSchemaJson.Write(version.Schema), version.Profile?.ToJson(), version.Now))!;
            foreach (var tag in version.Tags)
            {
                await c.ExecAsync(t, "INSERT OR REPLACE INTO dataset_version_tags (dataset_version_pk, key, value) VALUES ($p0, $p1, $p2);",
                    ct, versionPk, tag.Key, tag.Value);
            }
            await c.ExecAsync(t, "UPDATE registered_datasets SET next_version = $p0, last_updated_timestamp = $p1 WHERE dataset_pk = $p2;",
                ct, number + 1, version.Now, pk);
            return new DatasetVersion(version.Name, number, version.ManifestHash, version.Size, version.FileCount, version.Kind, version.Description,
                version.Tags.OrderBy(tag => tag.Key, StringComparer.Ordinal).ToArray(), version.RunId, version.Source, version.RowCount,
                version.Schema, version.Profile, version.Now, version.Now);
        }, ct);

    public Task<DatasetVersion?> GetVersionAsync(string name, long version, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadVersionsAsync(c, $"SELECT {WithProfile} WHERE d.name = $p0 AND v.version = $p1", ct, name, version);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<Page<DatasetVersion>> ListVersionsAsync(string name, int maxResults, long offset, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadVersionsAsync(c, $"SELECT {WithoutProfile} WHERE d.name = $p0 ORDER BY v.version DESC LIMIT $p1 OFFSET $p2",
                ct, name, maxResults + 1, offset);
            var hasMore = found.Count > maxResults;
            return new Page<DatasetVersion>(
                hasMore ? found.Take(maxResults).ToArray() : found,
                hasMore ? PageToken.Encode(offset + maxResults) : null);
        }, ct);

    public Task SetVersionTagAsync(string name, long version, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await VersionPkAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "INSERT OR REPLACE INTO dataset_version_tags (dataset_version_pk, key, value) VALUES ($p0, $p1, $p2);", ct, pk, tag.Key, tag.Value);
            await c.ExecAsync(t, "UPDATE dataset_versions SET last_updated_timestamp = $p0 WHERE dataset_version_pk = $p1;", ct, now, pk);
        }, ct);

    public Task DeleteVersionTagAsync(string name, long version, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await VersionPkAsync(c, t, name, version, ct);
            await c.ExecAsync(t, "DELETE FROM dataset_version_tags WHERE dataset_version_pk = $p0 AND key = $p1;", ct, pk, key);
        }, ct);

    public Task<IReadOnlyList<DatasetVersion>> FindVersionsByManifestAsync(string manifestHash, CancellationToken ct = default) =>
        database.ReadAsync(c => ReadVersionsAsync(c, $"SELECT {WithoutProfile} WHERE v.manifest_hash = $p0 ORDER BY v.creation_timestamp, d.name, v.version",
            ct, manifestHash), ct);

    private static async Task<long> VersionPkAsync(SqliteConnection c, SqliteTransaction t, string name, long version, CancellationToken ct)
    {
        var datasetPk = await DatasetPkAsync(c, t, name, ct);
        return await c.ScalarAsync(t, "SELECT dataset_version_pk FROM dataset_versions WHERE dataset_pk = $p0 AND version = $p1;", ct, datasetPk, version) as long?
            ?? throw KeelException.NotFound(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Dataset '{name}' has no version {version}."));
    }

    private static async Task<IReadOnlyList<DatasetVersion>> ReadVersionsAsync(SqliteConnection c, string sql, CancellationToken ct, params object?[] values)
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
        var versions = new List<DatasetVersion>(rows.Count);
        foreach (var (pk, version) in rows)
        {
            var tags = await ReadTagsAsync(c, "SELECT key, value FROM dataset_version_tags WHERE dataset_version_pk = $p0 ORDER BY key", pk, ct);
            versions.Add(version with { Tags = tags });
        }
        return versions;
    }
}
