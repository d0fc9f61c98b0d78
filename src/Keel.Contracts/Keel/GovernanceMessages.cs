namespace Keel.Contracts.KeelApi;

// Wire shapes of the governance API (promotion, approval, rollback, alias history), snake_case through
// GovernanceJsonContext. Timestamps are epoch milliseconds; versions are JSON numbers (strings of digits are read too).
// Request fields are nullable so a missing one is reported by name, not as malformed JSON.

/// <summary>Body of <c>POST models/{name}/promote</c>.</summary>
public sealed record PromoteModelRequest
{
    /// <summary>The version to promote; its <c>keel.validation.status</c> tag must be <c>passed</c>.</summary>
    public long? Version { get; init; }

    /// <summary>The alias to move, e.g. <c>champion</c>.</summary>
    public string? Alias { get; init; }

    /// <summary>Why, recorded in the alias history; optional.</summary>
    public string? Reason { get; init; }
}

/// <summary>Body of <c>POST models/{name}/approve</c>.</summary>
public sealed record ApproveModelVersionRequest
{
    public long? Version { get; init; }

    /// <summary>The alias the version is approved for.</summary>
    public string? Alias { get; init; }

    public string? Comment { get; init; }
}

/// <summary>Body of <c>POST models/{name}/rollback</c>.</summary>
public sealed record RollbackAliasRequest
{
    /// <summary>The alias to move back to its previous holder.</summary>
    public string? Alias { get; init; }

    public string? Reason { get; init; }
}

/// <summary>One recorded alias move: the answer of promote and rollback, and an entry of the alias history.</summary>
public sealed record AliasMoveDto
{
    /// <summary>Increases with every move; orders moves of the same millisecond.</summary>
    public long Id { get; init; }

    public required string Model { get; init; }

    public required string Alias { get; init; }

    /// <summary>The version the alias named before; null when it named none.</summary>
    public long? PreviousVersion { get; init; }

    /// <summary>The version it names after; null for a delete.</summary>
    public long? NewVersion { get; init; }

    /// <summary>Who moved it (the <c>X-Keel-User</c> header), <c>unknown</c> when not said.</summary>
    public required string User { get; init; }

    public required string Reason { get; init; }

    /// <summary><c>set</c>, <c>promote</c>, <c>rollback</c> or <c>delete</c>.</summary>
    public required string Kind { get; init; }

    public long Timestamp { get; init; }
}

/// <summary>Answer of <c>GET models/{name}/alias-history</c>, oldest first.</summary>
public sealed record AliasHistoryResponse
{
    public IReadOnlyList<AliasMoveDto> Moves { get => field ?? []; init; }
}

/// <summary>A user's approval of a version for an alias.</summary>
public sealed record ApprovalDto
{
    public required string Model { get; init; }

    public long Version { get; init; }

    public required string Alias { get; init; }

    public required string User { get; init; }

    public required string Comment { get; init; }

    public long Timestamp { get; init; }
}

/// <summary>Answer of <c>GET models/{name}/approvals</c>, oldest first.</summary>
public sealed record ListApprovalsResponse
{
    public IReadOnlyList<ApprovalDto> Approvals { get => field ?? []; init; }
}
