using System.Globalization;
using Keel.Core.Common;

namespace Keel.Core.Registry.Governance;

/// <summary>Why an alias moved: the <see cref="AliasMove.Kind"/> values.</summary>
public static class AliasMoveKinds
{
    /// <summary>Set through MLflow's <c>setRegisteredModelAlias</c>, the web UI or <c>keel models alias set</c>.</summary>
    public const string Set = "set";

    /// <summary>Moved by <c>keel models promote</c>, after the validation gate and the approval policy.</summary>
    public const string Promote = "promote";

    /// <summary>Moved back to the previous holder by <c>keel models rollback</c>.</summary>
    public const string Rollback = "rollback";

    /// <summary>Removed.</summary>
    public const string Delete = "delete";
}

/// <summary>One recorded move of an alias: who moved it, when, why, and from which version to which.</summary>
/// <param name="Id">Increases with every move of the store; orders moves made in the same millisecond.</param>
/// <param name="Model">The registered model's current name.</param>
/// <param name="Alias">The alias moved.</param>
/// <param name="PreviousVersion">The version it named before; null when it named none.</param>
/// <param name="NewVersion">The version it names after; null for a delete.</param>
/// <param name="User">Who moved it (the <c>X-Keel-User</c> header); <c>unknown</c> when not said.</param>
/// <param name="Reason">Free text; empty when none was given.</param>
/// <param name="Kind">One of <see cref="AliasMoveKinds"/>.</param>
/// <param name="Timestamp">When, epoch milliseconds.</param>
public sealed record AliasMove(
    long Id, string Model, string Alias, long? PreviousVersion, long? NewVersion, string User, string Reason, string Kind, long Timestamp);

/// <summary>A move to make and record: <paramref name="NewVersion"/> null deletes the alias.</summary>
public sealed record NewAliasMove(string Model, string Alias, long? NewVersion, string User, string Reason, string Kind, long Timestamp)
{
    /// <summary>
    /// When set, the move happens only if the alias still names this version (null: still unset) when the move commits,
    /// so a move planned from what the caller read (a rollback) cannot act on an alias that moved meanwhile. Default:
    /// unconditional.
    /// </summary>
    public ExpectedHolder? OnlyIf { get; init; }

    /// <summary>Throws INVALID_STATE, changing nothing, when <see cref="OnlyIf"/> does not match <paramref name="previous"/>.</summary>
    public void CheckExpected(long? previous)
    {
        if (OnlyIf is { } expected && expected.Version != previous)
        {
            throw new KeelException(ErrorCode.InvalidState, string.Create(CultureInfo.InvariantCulture,
                $"Alias '{Alias}' of model '{Model}' moved while this {Kind} was prepared (it names {Describe(previous)} now, not {Describe(expected.Version)}); nothing changed. Check its history and try again."));
        }
    }

    private static string Describe(long? version) => version is { } v ? string.Create(CultureInfo.InvariantCulture, $"version {v}") : "no version";
}

/// <summary>The version an alias is expected to name when a conditional move commits (null: unset).</summary>
public sealed record ExpectedHolder(long? Version);

/// <summary>A user's approval of one version for one alias, required by promotion under the approval policy.</summary>
/// <param name="Model">The registered model's current name.</param>
/// <param name="Version">The version approved.</param>
/// <param name="Alias">The alias it may be promoted to.</param>
/// <param name="User">Who approved.</param>
/// <param name="Comment">Free text; empty when none.</param>
/// <param name="Timestamp">When, epoch milliseconds.</param>
public sealed record Approval(string Model, long Version, string Alias, string User, string Comment, long Timestamp);
