using Keel.Core.Common;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// <see cref="IRegistryStore"/> on the tracking store's PostgreSQL data source. Several replicas may write at once, so
/// every change to a model first locks its row: writers of one model queue there as behind SQLite's single writer,
/// and a model deleted or renamed meanwhile reads as not found rather than failing a foreign key. Models here,
/// versions in <c>PostgresRegistryStore.Versions.cs</c>, reading in <c>PostgresRegistryStore.Reading.cs</c>.
/// </summary>
internal sealed partial class PostgresRegistryStore(PostgresDatabase database) : IRegistryStore
{
    public Task<RegisteredModel> CreateRegisteredModelAsync(NewRegisteredModel model, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            long pk;
            try
            {
                pk = (long)(await c.ScalarAsync(t, """
                    INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description, next_version)
                    VALUES ($1, $2, $2, $3, 1) RETURNING model_pk;
                    """, ct, model.Name, model.CreationTimestamp, model.Description))!;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Registered Model (name={model.Name}) already exists.");
            }
            foreach (var tag in model.Tags)
            {
                await UpsertTagAsync(c, t, pk, tag, ct);
            }
            return (await ReadModelAsync(c, model.Name, ct))!;
        }, ct);

    public Task<RegisteredModel?> GetRegisteredModelAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(c => ReadModelAsync(c, name, ct), ct);

    public Task RenameRegisteredModelAsync(string name, string newName, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockModelAsync(c, t, name, ct);
            try
            {
                await c.ExecAsync(t, "UPDATE registered_models SET name = $1, last_updated_timestamp = $2 WHERE model_pk = $3;", ct, newName, now, pk);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Registered Model (name={newName}) already exists.");
            }
        }, ct);

    public Task UpdateRegisteredModelAsync(string name, string description, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockModelAsync(c, t, name, ct);
            await c.ExecAsync(t, "UPDATE registered_models SET description = $1, last_updated_timestamp = $2 WHERE model_pk = $3;", ct, description, now, pk);
        }, ct);

    // Versions, tags and aliases go with the row (ON DELETE CASCADE).
    public Task DeleteRegisteredModelAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecAsync(t, "DELETE FROM registered_models WHERE name = $1;", ct, name) == 0)
            {
                throw ModelNotFound(name);
            }
        }, ct);

    public Task<Page<RegisteredModel>> SearchRegisteredModelsAsync(RegistryQuery query, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var p = new SqlParameters();
            var where = query.Filter is null ? "TRUE" : RegistrySearchSql.ModelWhere(query.Filter, p);
            var models = await ReadModelsAsync(c, $"""
                SELECT {ModelColumns} FROM registered_models m WHERE {where}
                ORDER BY {RegistrySearchSql.ModelOrderBy(query.OrderBy)}
                LIMIT {p.Add(query.MaxResults + 1L)} OFFSET {p.Add(query.Offset)}
                """, p, ct);
            var hasMore = models.Count > query.MaxResults;
            return new Page<RegisteredModel>(
                hasMore ? models.Take(query.MaxResults).ToArray() : models,
                hasMore ? PageToken.Encode(query.Offset + query.MaxResults) : null);
        }, ct);

    public Task SetRegisteredModelTagAsync(string name, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockModelAsync(c, t, name, ct);
            await UpsertTagAsync(c, t, pk, tag, ct);
            await TouchModelAsync(c, t, pk, now, ct);
        }, ct);

    public Task DeleteRegisteredModelTagAsync(string name, string key, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockModelAsync(c, t, name, ct);
            await c.ExecAsync(t, "DELETE FROM registered_model_tags WHERE model_pk = $1 AND key = $2;", ct, pk, key);
        }, ct);

    public Task SetAliasAsync(string name, string aliasName, long version, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockVersionAsync(c, t, name, version, ct);
            await c.ExecAsync(t, """
                INSERT INTO registered_model_aliases (model_pk, alias, version) VALUES ($1, $2, $3)
                ON CONFLICT (model_pk, alias) DO UPDATE SET version = excluded.version;
                """, ct, pk, aliasName, version);
            await TouchModelAsync(c, t, pk, now, ct);
        }, ct);

    public Task DeleteAliasAsync(string name, string aliasName, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockModelAsync(c, t, name, ct);
            await c.ExecAsync(t, "DELETE FROM registered_model_aliases WHERE model_pk = $1 AND alias = $2;", ct, pk, aliasName);
        }, ct);

    private static Task<int> UpsertTagAsync(NpgsqlConnection c, NpgsqlTransaction t, long pk, Tag tag, CancellationToken ct) =>
        c.ExecAsync(t, """
            INSERT INTO registered_model_tags (model_pk, key, value) VALUES ($1, $2, $3)
            ON CONFLICT (model_pk, key) DO UPDATE SET value = excluded.value;
            """, ct, pk, tag.Key, tag.Value);

    private static Task<int> TouchModelAsync(NpgsqlConnection c, NpgsqlTransaction t, long pk, long now, CancellationToken ct) =>
        c.ExecAsync(t, "UPDATE registered_models SET last_updated_timestamp = $1 WHERE model_pk = $2;", ct, now, pk);

    // NO KEY UPDATE: queues this model's writers without blocking the key-share locks that child-row inserts take.
    // A waiter whose row was deleted or renamed meanwhile gets no row back, hence not found.
    private static async Task<long> LockModelAsync(NpgsqlConnection c, NpgsqlTransaction t, string name, CancellationToken ct) =>
        await c.ScalarAsync(t, "SELECT model_pk FROM registered_models WHERE name = $1 FOR NO KEY UPDATE;", ct, name) as long?
            ?? throw ModelNotFound(name);

    private static async Task<long> LockVersionAsync(NpgsqlConnection c, NpgsqlTransaction t, string name, long version, CancellationToken ct)
    {
        var pk = await LockModelAsync(c, t, name, ct);
        return await c.ScalarAsync(t, "SELECT 1 FROM model_versions WHERE model_pk = $1 AND version = $2;", ct, pk, version) is null
            ? throw VersionNotFound(name, version)
            : pk;
    }

    private static KeelException ModelNotFound(string name) => KeelException.NotFound($"Registered Model with name={name} not found");

    private static KeelException VersionNotFound(string name, long version) =>
        KeelException.NotFound($"Model Version (name={name}, version={version}) not found");
}
