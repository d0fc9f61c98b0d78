using Keel.Core.Common;
using Keel.Core.Registry.Governance;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// <see cref="IGovernanceStore"/> on the registry's SQLite file and writer: an alias move updates
/// <c>registered_model_aliases</c> and appends to <c>model_alias_moves</c> in one transaction.
/// </summary>
internal sealed class SqliteGovernanceStore(SqliteDatabase database) : IGovernanceStore
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
            var pk = await ModelPkAsync(c, t, move.Model, ct);
            if (move.NewVersion is { } version
                && await c.ScalarAsync(t, "SELECT 1 FROM model_versions WHERE model_pk = $p0 AND version = $p1;", ct, pk, version) is null)
            {
                throw KeelException.NotFound($"Model Version (name={move.Model}, version={version}) not found");
            }
            var previous = await c.ScalarAsync(t, "SELECT version FROM registered_model_aliases WHERE model_pk = $p0 AND alias = $p1;", ct, pk, move.Alias) as long?;
            // SQLite has one writer: nothing can move the alias between this check and the write.
            move.CheckExpected(previous);
            if (move.NewVersion is { } target)
            {
                await c.ExecAsync(t, "INSERT OR REPLACE INTO registered_model_aliases (model_pk, alias, version) VALUES ($p0, $p1, $p2);", ct, pk, move.Alias, target);
                await c.ExecAsync(t, "UPDATE registered_models SET last_updated_timestamp = $p0 WHERE model_pk = $p1;", ct, move.Timestamp, pk);
            }
            else if (previous is null)
            {
                return null;
            }
            else
            {
                await c.ExecAsync(t, "DELETE FROM registered_model_aliases WHERE model_pk = $p0 AND alias = $p1;", ct, pk, move.Alias);
            }
            var id = (long)(await c.ScalarAsync(t, """
                INSERT INTO model_alias_moves (model_pk, alias, previous_version, new_version, user_id, reason, kind, moved_at)
                VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7) RETURNING id;
                """, ct, pk, move.Alias, previous, move.NewVersion, move.User, move.Reason, move.Kind, move.Timestamp))!;
            return new AliasMove(id, move.Model, move.Alias, previous, move.NewVersion, move.User, move.Reason, move.Kind, move.Timestamp);
        }, ct);

    public Task<IReadOnlyList<AliasMove>> ListAliasMovesAsync(string model, string? aliasName, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<AliasMove>>(async c =>
        {
            var moves = new List<AliasMove>();
            await using var command = c.Command(
                $"SELECT {MoveColumns} WHERE m.name = $p0 AND ($p1 IS NULL OR a.alias = $p1) ORDER BY a.id;", null, model, aliasName);
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
            var pk = await ModelPkAsync(c, t, approval.Model, ct);
            if (await c.ScalarAsync(t, "SELECT 1 FROM model_versions WHERE model_pk = $p0 AND version = $p1;", ct, pk, approval.Version) is null)
            {
                throw KeelException.NotFound($"Model Version (name={approval.Model}, version={approval.Version}) not found");
            }
            await c.ExecAsync(t, """
                INSERT OR REPLACE INTO model_version_approvals (model_pk, version, alias, user_id, comment, approved_at)
                VALUES ($p0, $p1, $p2, $p3, $p4, $p5);
                """, ct, pk, approval.Version, approval.Alias, approval.User, approval.Comment, approval.Timestamp);
            return approval;
        }, ct);

    public Task<IReadOnlyList<Approval>> ListApprovalsAsync(string model, long? version, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<Approval>>(async c =>
        {
            var approvals = new List<Approval>();
            await using var command = c.Command(
                $"SELECT {ApprovalColumns} WHERE m.name = $p0 AND ($p1 IS NULL OR p.version = $p1) ORDER BY p.approved_at, p.version, p.alias, p.user_id;",
                null, model, version);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                approvals.Add(new Approval(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5)));
            }
            return approvals;
        }, ct);

    private static async Task<long> ModelPkAsync(SqliteConnection c, SqliteTransaction t, string name, CancellationToken ct) =>
        await c.ScalarAsync(t, "SELECT model_pk FROM registered_models WHERE name = $p0;", ct, name) as long?
            ?? throw KeelException.NotFound($"Registered Model with name={name} not found");
}

/// <summary>The registry hands out the governance store of its own database (see <see cref="IGovernanceStoreSource"/>).</summary>
internal sealed partial class SqliteRegistryStore : IGovernanceStoreSource
{
    public IGovernanceStore CreateGovernanceStore() => new SqliteGovernanceStore(database);
}
