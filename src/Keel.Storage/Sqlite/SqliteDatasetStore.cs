using Keel.Core.Common;
using Keel.Core.Datasets;
using Keel.Core.Tracking;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// <see cref="IDatasetStore"/> on the tracking store's SQLite file and writer. This file holds datasets and their
/// tags; <c>SqliteDatasetStore.Versions.cs</c> the versions.
/// </summary>
internal sealed partial class SqliteDatasetStore(SqliteDatabase database) : IDatasetStore
{
    private const int UniqueViolation = 2067;
    private const string DatasetColumns = """
        d.dataset_pk, d.name, d.description, d.creation_timestamp, d.last_updated_timestamp,
        (SELECT max(v.version) FROM dataset_versions v WHERE v.dataset_pk = d.dataset_pk)
        FROM registered_datasets d
        """;

    public async Task<RegisteredDataset> CreateDatasetAsync(NewDataset dataset, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            long pk;
            try
            {
                pk = (long)(await c.ScalarAsync(t, """
                    INSERT INTO registered_datasets (name, description, creation_timestamp, last_updated_timestamp, next_version)
                    VALUES ($p0, $p1, $p2, $p2, 1) RETURNING dataset_pk;
                    """, ct, dataset.Name, dataset.Description, dataset.Now))!;
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Dataset '{dataset.Name}' already exists.");
            }
            foreach (var tag in dataset.Tags)
            {
                await c.ExecAsync(t, "INSERT OR REPLACE INTO registered_dataset_tags (dataset_pk, key, value) VALUES ($p0, $p1, $p2);",
                    ct, pk, tag.Key, tag.Value);
            }
        }, ct);
        return new RegisteredDataset(dataset.Name, dataset.Description, dataset.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToArray(),
            dataset.Now, dataset.Now, null);
    }

    public Task<RegisteredDataset?> GetDatasetAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadDatasetsAsync(c, $"SELECT {DatasetColumns} WHERE d.name = $p0", ct, name);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<Page<RegisteredDataset>> SearchDatasetsAsync(string? namePrefix, int maxResults, long offset, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            // substr rather than LIKE, so '%' and '_' in a prefix are plain characters.
            var found = await ReadDatasetsAsync(c, $"""
                SELECT {DatasetColumns}
                WHERE $p0 IS NULL OR substr(d.name, 1, length($p0)) = $p0
                ORDER BY d.name LIMIT $p1 OFFSET $p2
                """, ct, namePrefix, maxResults + 1, offset);
            var hasMore = found.Count > maxResults;
            return new Page<RegisteredDataset>(
                hasMore ? found.Take(maxResults).ToArray() : found,
                hasMore ? PageToken.Encode(offset + maxResults) : null);
        }, ct);

    public Task UpdateDatasetAsync(string name, string description, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await DatasetPkAsync(c, t, name, ct);
            await c.ExecAsync(t, "UPDATE registered_datasets SET description = $p0, last_updated_timestamp = $p1 WHERE dataset_pk = $p2;",
                ct, description, now, pk);
        }, ct);

    public Task DeleteDatasetAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await DatasetPkAsync(c, t, name, ct);
            await c.ExecAsync(t, """
                DELETE FROM dataset_version_tags WHERE dataset_version_pk IN (SELECT dataset_version_pk FROM dataset_versions WHERE dataset_pk = $p0);
                DELETE FROM dataset_versions WHERE dataset_pk = $p0;
                DELETE FROM registered_dataset_tags WHERE dataset_pk = $p0;
                DELETE FROM registered_datasets WHERE dataset_pk = $p0;
                """, ct, pk);
        }, ct);

    public Task SetDatasetTagAsync(string name, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await DatasetPkAsync(c, t, name, ct);
            await c.ExecAsync(t, "INSERT OR REPLACE INTO registered_dataset_tags (dataset_pk, key, value) VALUES ($p0, $p1, $p2);", ct, pk, tag.Key, tag.Value);
            await c.ExecAsync(t, "UPDATE registered_datasets SET last_updated_timestamp = $p0 WHERE dataset_pk = $p1;", ct, now, pk);
        }, ct);

    public Task DeleteDatasetTagAsync(string name, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await DatasetPkAsync(c, t, name, ct);
            await c.ExecAsync(t, "DELETE FROM registered_dataset_tags WHERE dataset_pk = $p0 AND key = $p1;", ct, pk, key);
        }, ct);

    private static async Task<long> DatasetPkAsync(SqliteConnection c, SqliteTransaction t, string name, CancellationToken ct) =>
        await c.ScalarAsync(t, "SELECT dataset_pk FROM registered_datasets WHERE name = $p0;", ct, name) as long?
            ?? throw KeelException.NotFound($"Dataset '{name}' not found.");

    private static async Task<IReadOnlyList<RegisteredDataset>> ReadDatasetsAsync(SqliteConnection c, string sql, CancellationToken ct, params object?[] values)
    {
        var rows = new List<(long Pk, string Name, string Description, long Created, long Updated, long? Latest)>();
        await using (var command = c.Command(sql, null, values))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.NullableInt64(5)));
            }
        }
        var datasets = new List<RegisteredDataset>(rows.Count);
        foreach (var row in rows)
        {
            var tags = await ReadTagsAsync(c, "SELECT key, value FROM registered_dataset_tags WHERE dataset_pk = $p0 ORDER BY key", row.Pk, ct);
            datasets.Add(new RegisteredDataset(row.Name, row.Description, tags, row.Created, row.Updated, row.Latest));
        }
        return datasets;
    }

    private static async Task<IReadOnlyList<Tag>> ReadTagsAsync(SqliteConnection c, string sql, long pk, CancellationToken ct)
    {
        var tags = new List<Tag>();
        await using var command = c.Command(sql, null, pk);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tags.Add(new Tag(reader.GetString(0), reader.GetString(1)));
        }
        return tags;
    }
}

/// <summary>The dataset store on the same file and writer as the tracking store.</summary>
internal sealed partial class SqliteTrackingStore
{
    public SqliteDatasetStore CreateDatasetStore() => new(database);
}
