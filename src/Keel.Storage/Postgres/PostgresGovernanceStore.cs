using Keel.Core.Common;
using Keel.Core.Registry.Governance;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// <see cref="IGovernanceStore"/> on the registry's PostgreSQL data source. A move locks the model row first, as the
/// registry's own alias writes do, so moves of one model are recorded in the order they were made.
/// </summary>
internal sealed class PostgresGovernanceStore(PostgresDatabase database) : IGovernanceStore
{
    private const string MoveColumns = """
        a.id, m.name, a.alias, a.previous_version, a.new_version, a.user_id, a.reason, a.kind, a.moved_at
        FROM model_alias_moves a JOIN registered_models m ON m.model_pk = a.model_pk
        """;

    private const string ApprovalColumns = """
        m.name, p.version, p.alias, p.user_id, p.comment, p.approved_at
        FROM model_version_approvals p JOIN registered_models m ON m.model_pk = p.model_pk
        """;

    public Task<AliasMove?> MoveAliasAsync(NewAliasMove move, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockModelAsync(c, t, move.Model, ct);
            if (move.NewVersion is { } version)
            {
                await RequireVersionAsync(c, t, pk, move.Model, version, ct);
            }
            var previous = await c.ScalarAsync(t, "SELECT version FROM registered_model_aliases WHERE model_pk = $1 AND alias = $2;", ct, pk, move.Alias) as long?;
            // Checked under the model's row lock, so no other move can slip in between the check and the write.
            move.CheckExpected(previous);
            if (move.NewVersion is { } target)
            {
                await c.ExecAsync(t, """
                    INSERT INTO registered_model_aliases (model_pk, alias, version) VALUES ($1, $2, $3)
                    ON CONFLICT (model_pk, alias) DO UPDATE SET version = excluded.version;
                    """, ct, pk, move.Alias, target);
                await c.ExecAsync(t, "UPDATE registered_models SET last_updated_timestamp = $1 WHERE model_pk = $2;", ct, move.Timestamp, pk);
            }
            else if (previous is null)
            {
                return null;
            }
            else
            {
                await c.ExecAsync(t, "DELETE FROM registered_model_aliases WHERE model_pk = $1 AND alias = $2;", ct, pk, move.Alias);
            }
            var id = (long)(await c.ScalarAsync(t, """
                INSERT INTO model_alias_moves (model_pk, alias, previous_version, new_version, user_id, reason, kind, moved_at)
                VALUES ($1, $2, $3::bigint, $4::bigint, $5, $6, $7, $8) RETURNING id;
                """, ct, pk, move.Alias, previous, move.NewVersion, move.User, move.Reason, move.Kind, move.Timestamp))!;
            return new AliasMove(id, move.Model, move.Alias, previous, move.NewVersion, move.User, move.Reason, move.Kind, move.Timestamp);
        }, ct);

    public Task<IReadOnlyList<AliasMove>> ListAliasMovesAsync(string model, string? aliasName, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<AliasMove>>(async c =>
        {
            var moves = new List<AliasMove>();
            await using var command = c.Command(
                $"SELECT {MoveColumns} WHERE m.name = $1 AND ($2::text IS NULL OR a.alias = $2::text) ORDER BY a.id;", null, model, aliasName);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                moves.Add(new AliasMove(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.NullableInt64(3), reader.NullableInt64(4),
                    reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetInt64(8)));
            }
            return moves;
        }, ct);

    public Task<Approval> AddApprovalAsync(Approval approval, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var pk = await LockModelAsync(c, t, approval.Model, ct);
            await RequireVersionAsync(c, t, pk, approval.Model, approval.Version, ct);
            await c.ExecAsync(t, """
                INSERT INTO model_version_approvals (model_pk, version, alias, user_id, comment, approved_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (model_pk, version, alias, user_id) DO UPDATE SET comment = excluded.comment, approved_at = excluded.approved_at;
                """, ct, pk, approval.Version, approval.Alias, approval.User, approval.Comment, approval.Timestamp);
            return approval;
        }, ct);

    public Task<IReadOnlyList<Approval>> ListApprovalsAsync(string model, long? version, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<Approval>>(async c =>
        {
            var approvals = new List<Approval>();
            await using var command = c.Command(
                $"SELECT {ApprovalColumns} WHERE m.name = $1 AND ($2::bigint IS NULL OR p.version = $2::bigint) ORDER BY p.approved_at, p.version, p.alias, p.user_id;",
                null, model, version);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                approvals.Add(new Approval(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5)));
            }
            return approvals;
        }, ct);

    private static async Task<long> LockModelAsync(NpgsqlConnection c, NpgsqlTransaction t, string name, CancellationToken ct) =>
        await c.ScalarAsync(t, "SELECT model_pk FROM registered_models WHERE name = $1 FOR NO KEY UPDATE;", ct, name) as long?
            ?? throw KeelException.NotFound($"Registered Model with name={name} not found");

    private static async Task RequireVersionAsync(NpgsqlConnection c, NpgsqlTransaction t, long pk, string name, long version, CancellationToken ct)
    {
        if (await c.ScalarAsync(t, "SELECT 1 FROM model_versions WHERE model_pk = $1 AND version = $2;", ct, pk, version) is null)
        {
            throw KeelException.NotFound($"Model Version (name={name}, version={version}) not found");
        }
    }
}

/// <summary>The registry hands out the governance store of its own database (see <see cref="IGovernanceStoreSource"/>).</summary>
internal sealed partial class PostgresRegistryStore : IGovernanceStoreSource
{
    public IGovernanceStore CreateGovernanceStore() => new PostgresGovernanceStore(database);
}
