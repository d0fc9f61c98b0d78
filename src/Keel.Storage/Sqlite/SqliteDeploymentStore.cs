using Keel.Core.Common;
using Keel.Core.Deployments;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// <see cref="IDeploymentStore"/> on the tracking store's SQLite file and writer. Each revision's spec is one JSON
/// text in a fixed snake_case shape of its own, so renaming a C# property never changes stored data.
/// </summary>
internal sealed class SqliteDeploymentStore(SqliteDatabase database) : IDeploymentStore
{
    private const int UniqueViolation = 2067;
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
                    VALUES ($p0, $p1, $p1, 1) RETURNING deployment_pk;
                    """, ct, spec.Name, now))!;
            }
            catch (SqliteException e) when (e.SqliteExtendedErrorCode == UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Deployment '{spec.Name}' already exists.");
            }
            await c.ExecAsync(t, "INSERT INTO deployment_revisions (deployment_pk, revision, creation_timestamp, spec) VALUES ($p0, 1, $p1, $p2);",
                ct, pk, now, DeploymentSpecJson.Write(spec));
        }, ct);
        return new Deployment(spec, 1, now, now);
    }

    public Task<Deployment> AddRevisionAsync(DeploymentSpec spec, long now, long? expectedRevision = null, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            long pk, current, created;
            await using (var command = c.Command(
                "SELECT deployment_pk, current_revision, creation_timestamp FROM deployments WHERE name = $p0;", t, spec.Name))
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
            await c.ExecAsync(t, "INSERT INTO deployment_revisions (deployment_pk, revision, creation_timestamp, spec) VALUES ($p0, $p1, $p2, $p3);",
                ct, pk, next, now, DeploymentSpecJson.Write(spec));
            await c.ExecAsync(t, "UPDATE deployments SET current_revision = $p0, last_updated_timestamp = $p1 WHERE deployment_pk = $p2;",
                ct, next, now, pk);
            return new Deployment(spec, next, created, now);
        }, ct);

    public Task<Deployment?> GetAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var p = new SqlParameters();
            var found = await ReadAsync(c, $"SELECT {CurrentColumns} WHERE d.name = {p.Add(name)} AND r.revision = d.current_revision", p, ct);
            return found.Count > 0 ? found[0] : null;
        }, ct);

    public Task<IReadOnlyList<Deployment>> ListAsync(CancellationToken ct = default) =>
        database.ReadAsync(c => ReadAsync(c, $"SELECT {CurrentColumns} WHERE r.revision = d.current_revision ORDER BY d.name", new SqlParameters(), ct), ct);

    public Task<IReadOnlyList<Deployment>> GetHistoryAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(c =>
        {
            var p = new SqlParameters();
            return ReadAsync(c, $"SELECT {CurrentColumns} WHERE d.name = {p.Add(name)} ORDER BY r.revision DESC", p, ct);
        }, ct);

    public Task DeleteAsync(string name, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await c.ScalarAsync(t, "SELECT deployment_pk FROM deployments WHERE name = $p0;", ct, name) as long?
                ?? throw KeelException.NotFound($"Deployment '{name}' not found.");
            await c.ExecAsync(t, "DELETE FROM deployment_revisions WHERE deployment_pk = $p0;", ct, pk);
            await c.ExecAsync(t, "DELETE FROM deployments WHERE deployment_pk = $p0;", ct, pk);
        }, ct);

    private static async Task<IReadOnlyList<Deployment>> ReadAsync(SqliteConnection c, string sql, SqlParameters p, CancellationToken ct)
    {
        var deployments = new List<Deployment>();
        await using var command = c.Command(sql, p);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            deployments.Add(new Deployment(DeploymentSpecJson.Read(reader.GetString(0), reader.GetString(4)), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        return deployments;
    }
}

/// <summary>The deployment store on the same file and writer as the tracking store.</summary>
internal sealed partial class SqliteTrackingStore
{
    public SqliteDeploymentStore CreateDeploymentStore() => new(database);
}
