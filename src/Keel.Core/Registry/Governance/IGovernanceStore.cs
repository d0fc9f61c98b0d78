namespace Keel.Core.Registry.Governance;

/// <summary>
/// Alias history and approvals, kept beside the registry in the same database. Moves and approvals belong to the
/// model (they follow a rename and go with a delete). Writes to an unknown model or version throw
/// <see cref="Common.KeelException"/> with <see cref="Common.ErrorCode.ResourceDoesNotExist"/>.
/// </summary>
public interface IGovernanceStore
{
    /// <summary>
    /// Points the alias at <see cref="NewAliasMove.NewVersion"/> (or removes it when null) and records the move, in one
    /// transaction, so the history cannot miss a move nor record one that did not happen. Removing an alias that
    /// is not set changes nothing and returns null.
    /// </summary>
    Task<AliasMove?> MoveAliasAsync(NewAliasMove move, CancellationToken ct = default);

    /// <summary>The model's recorded moves, oldest first; only <paramref name="aliasName"/>'s when given. An unknown model has none.</summary>
    Task<IReadOnlyList<AliasMove>> ListAliasMovesAsync(string model, string? aliasName, CancellationToken ct = default);

    /// <summary>Records an approval; the same user approving the same version for the same alias again replaces it.</summary>
    Task<Approval> AddApprovalAsync(Approval approval, CancellationToken ct = default);

    /// <summary>The model's approvals, oldest first; only <paramref name="version"/>'s when given. An unknown model has none.</summary>
    Task<IReadOnlyList<Approval>> ListApprovalsAsync(string model, long? version, CancellationToken ct = default);
}
