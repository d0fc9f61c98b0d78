using Keel.Core.Common;
using Keel.Core.Datasets;
using Keel.Core.Tracking;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// <see cref="IDatasetStore"/> on the tracking store's PostgreSQL data source. As in the registry, a change to a dataset
/// locks its row first, so writers from several replicas queue per dataset and a dataset deleted meanwhile reads as not
/// found. This file holds datasets and their tags; <c>PostgresDatasetStore.Versions.cs</c> the versions.
/// </summary>
internal sealed partial class PostgresDatasetStore(PostgresDatabase database) : IDatasetStore
{
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
                    VALUES ($1, $2, $3, $3, 1) RETURNING dataset_pk;
                    """, ct, dataset.Name, dataset.Description, dataset.Now))!;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Dataset '{dataset.Name}' already exists.");
            }
            foreach (var tag in dataset.Tags)
            {
                await UpsertDatasetTagAsync(c, t, pk, tag, ct);
            }
        }, ct);
        return new RegisteredDataset(dataset.Name, dataset.Description, dataset.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToArray(),
            dataset.Now, dataset.Now, null);
    }

    public Task<RegisteredDataset?> GetDatasetAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadDatasetsAsync(c, $"SELECT {DatasetColumns} WHERE d.name = $1", ct, name);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<Page<RegisteredDataset>> SearchDatasetsAsync(string? namePrefix, int maxResults, long offset, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            // starts_with rather than LIKE, so '%' and '_' in a prefix are plain characters.
            var found = await ReadDatasetsAsync(c, $"""
                SELECT {DatasetColumns}
                WHERE $1::text IS NULL OR starts_with(d.name, $1::text)
                ORDER BY d.name LIMIT $2 OFFSET $3
                """, ct, namePrefix, maxResults + 1L, offset);
            var hasMore = found.Count > maxResults;
            return new Page<RegisteredDataset>(
                hasMore ? found.Take(maxResults).ToArray() : found,
                hasMore ? PageToken.Encode(offset + maxResults) : null);
        }, ct);

    public Task UpdateDatasetAsync(string name, string description, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockDatasetAsync(c, t, name, ct);
            await c.ExecAsync(t, "UPDATE registered_datasets SET description = $1, last_updated_timestamp = $2 WHERE dataset_pk = $3;",
                ct, description, now, pk);
        }, ct);

    // Tags, versions and their tags go with the row (ON DELETE CASCADE).
    public Task DeleteDatasetAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecAsync(t, "DELETE FROM registered_datasets WHERE name = $1;", ct, name) == 0)
            {
                throw DatasetNotFound(name);
            }
        }, ct);

    public Task SetDatasetTagAsync(string name, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockDatasetAsync(c, t, name, ct);
            await UpsertDatasetTagAsync(c, t, pk, tag, ct);
            await c.ExecAsync(t, "UPDATE registered_datasets SET last_updated_timestamp = $1 WHERE dataset_pk = $2;", ct, now, pk);
        }, ct);

    public Task DeleteDatasetTagAsync(string name, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockDatasetAsync(c, t, name, ct);
            await c.ExecAsync(t, "DELETE FROM registered_dataset_tags WHERE dataset_pk = $1 AND key = $2;", ct, pk, key);
        }, ct);

    private static Task<int> UpsertDatasetTagAsync(NpgsqlConnection c, NpgsqlTransaction t, long pk, Tag tag, CancellationToken ct) =>
        c.ExecAsync(t, """
            INSERT INTO registered_dataset_tags (dataset_pk, key, value) VALUES ($1, $2, $3)
            ON CONFLICT (dataset_pk, key) DO UPDATE SET value = excluded.value;
            """, ct, pk, tag.Key, tag.Value);

    // NO KEY UPDATE: queues this dataset's writers without blocking the key-share locks that child-row inserts take.
    private static async Task<long> LockDatasetAsync(NpgsqlConnection c, NpgsqlTransaction t, string name, CancellationToken ct) =>
        await c.ScalarAsync(t, "SELECT dataset_pk FROM registered_datasets WHERE name = $1 FOR NO KEY UPDATE;", ct, name) as long?
            ?? throw DatasetNotFound(name);

    private static KeelException DatasetNotFound(string name) => KeelException.NotFound($"Dataset '{name}' not found.");

    private static async Task<IReadOnlyList<RegisteredDataset>> ReadDatasetsAsync(NpgsqlConnection c, string sql, CancellationToken ct, params object?[] values)
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
        var tags = await ReadTagsAsync(c, "SELECT dataset_pk, key, value FROM registered_dataset_tags WHERE dataset_pk = ANY($1) ORDER BY key",
            rows.Select(r => r.Pk).ToArray(), ct);
        return rows.Select(r => new RegisteredDataset(r.Name, r.Description, tags.TryGetValue(r.Pk, out var list) ? list : [], r.Created, r.Updated, r.Latest))
            .ToArray();
    }

    // One query for the tags of a whole page, grouped by owner and ordered by key.
    private static async Task<Dictionary<long, List<Tag>>> ReadTagsAsync(NpgsqlConnection c, string sql, long[] pks, CancellationToken ct)
    {
        var tags = new Dictionary<long, List<Tag>>();
        if (pks.Length == 0)
        {
            return tags;
        }
        await using var command = c.Command(sql, null, pks);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var pk = reader.GetInt64(0);
            if (!tags.TryGetValue(pk, out var list))
            {
                tags[pk] = list = [];
            }
            list.Add(new Tag(reader.GetString(1), reader.GetString(2)));
        }
        return tags;
    }
}
