using Keel.Core.Common;
using Keel.Core.Deployments;
using Keel.Storage.Sql;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// <see cref="IDeploymentStore"/> on the tracking store's PostgreSQL data source. A new revision locks the deployment
/// row first, so replicas adding revisions at once queue there and each sees the revision the other committed.
/// </summary>
internal sealed class PostgresDeploymentStore(PostgresDatabase database) : IDeploymentStore
{
    private const string CurrentColumns = """
        d.name, r.revision, d.creation_timestamp, r.creation_timestamp, r.spec
        FROM deployments d JOIN deployment_revisions r ON r.deployment_pk = d.deployment_pk
        """;

    public async Task<Deployment> CreateAsync(DeploymentSpec spec, long now, CancellationToken ct = default)
    {
        await database.WriteAsync(async (c, t) =>
        {
            long pk;
            try
            {
                pk = (long)(await c.ScalarAsync(t, """
                    INSERT INTO deployments (name, creation_timestamp, last_updated_timestamp, current_revision)
                    VALUES ($1, $2, $2, 1) RETURNING deployment_pk;
                    """, ct, spec.Name, now))!;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Deployment '{spec.Name}' already exists.");
            }
            await c.ExecAsync(t, "INSERT INTO deployment_revisions (deployment_pk, revision, creation_timestamp, spec) VALUES ($1, 1, $2, $3);",
                ct, pk, now, DeploymentSpecJson.Write(spec));
        }, ct);
        return new Deployment(spec, 1, now, now);
    }

    public Task<Deployment> AddRevisionAsync(DeploymentSpec spec, long now, long? expectedRevision = null, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            long pk, current, created;
            await using (var command = c.Command(
                "SELECT deployment_pk, current_revision, creation_timestamp FROM deployments WHERE name = $1 FOR NO KEY UPDATE;", t, spec.Name))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    throw KeelException.NotFound($"Deployment '{spec.Name}' not found.");
                }
                (pk, current, created) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            }
            if (expectedRevision is { } expected && expected != current)
            {
                throw new KeelException(ErrorCode.InvalidState,
                    $"Deployment '{spec.Name}' changed while this request ran (now at revision {current}, expected {expected}); try again.");
            }
            var next = current + 1;
            await c.ExecAsync(t, "INSERT INTO deployment_revisions (deployment_pk, revision, creation_timestamp, spec) VALUES ($1, $2, $3, $4);",
                ct, pk, next, now, DeploymentSpecJson.Write(spec));
            await c.ExecAsync(t, "UPDATE deployments SET current_revision = $1, last_updated_timestamp = $2 WHERE deployment_pk = $3;",
                ct, next, now, pk);
            return new Deployment(spec, next, created, now);
        }, ct);

    public Task<Deployment?> GetAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var found = await ReadAsync(c, $"SELECT {CurrentColumns} WHERE d.name = $1 AND r.revision = d.current_revision", ct, name);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<IReadOnlyList<Deployment>> ListAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => ReadAsync(c, $"SELECT {CurrentColumns} WHERE r.revision = d.current_revision ORDER BY d.name", ct), ct);

    public Task<IReadOnlyList<Deployment>> GetHistoryAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(c => ReadAsync(c, $"SELECT {CurrentColumns} WHERE d.name = $1 ORDER BY r.revision DESC", ct, name), ct);

    // Revisions go with the row (ON DELETE CASCADE).
    public Task DeleteAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecAsync(t, "DELETE FROM deployments WHERE name = $1;", ct, name) == 0)
            {
                throw KeelException.NotFound($"Deployment '{name}' not found.");
            }
        }, ct);

    private static async Task<IReadOnlyList<Deployment>> ReadAsync(NpgsqlConnection c, string sql, CancellationToken ct, params object?[] values)
    {
        var deployments = new List<Deployment>();
        await using var command = c.Command(sql, null, values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            deployments.Add(new Deployment(
                DeploymentSpecJson.Read(reader.GetString(0), reader.GetString(4)), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        return deployments;
    }
}
