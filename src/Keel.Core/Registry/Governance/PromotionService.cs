using System.Globalization;
using Keel.Core.Common;
using static Keel.Core.Tracking.TrackingValidation;

namespace Keel.Core.Registry.Governance;

/// <summary>
/// The rules of moving aliases with a record: every move (MLflow's alias API included) goes into the alias history;
/// promotion needs a passed validation and, under the model's approval policy, another user's approval; rollback
/// returns to the previous holder.
/// </summary>
public sealed class PromotionService(IGovernanceStore governance, IRegistryStore registry, TimeProvider time)
{
    /// <summary>The longest reason or comment kept.</summary>
    public const int MaxReasonLength = 5000;

    /// <summary>The longest user name kept.</summary>
    public const int MaxUserLength = 256;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>MLflow's <c>setRegisteredModelAlias</c>, recorded as a <see cref="AliasMoveKinds.Set"/> move.</summary>
    public async Task<AliasMove> SetAliasAsync(string? name, string? alias, string? version, string? user, CancellationToken ct = default)
    {
        RegistryService.AliasName(alias);
        var number = RegistryService.VersionNumber(version);
        var model = await ModelAsync(name, ct);
        return (await governance.MoveAliasAsync(new NewAliasMove(model.Name, alias!, number, UserOrUnknown(user), "", AliasMoveKinds.Set, Now), ct))!;
    }

    /// <summary>MLflow's <c>deleteRegisteredModelAlias</c>; removing an alias that is not set is a no-op and records nothing.</summary>
    public async Task<AliasMove?> DeleteAliasAsync(string? name, string? alias, string? user, CancellationToken ct = default)
    {
        Required(alias, "alias");
        var model = await ModelAsync(name, ct);
        return await governance.MoveAliasAsync(new NewAliasMove(model.Name, alias!, null, UserOrUnknown(user), "", AliasMoveKinds.Delete, Now), ct);
    }

    /// <summary>
    /// Moves <paramref name="alias"/> to <paramref name="version"/> when its latest validation passed and, under
    /// <see cref="GovernancePolicy.RequireApprovalTag"/>, a user other than <paramref name="user"/> approved it for that alias.
    /// A refusal is INVALID_STATE naming the rule.
    /// </summary>
    public async Task<AliasMove> PromoteAsync(string? name, string? version, string? alias, string? user, string? reason, CancellationToken ct = default)
    {
        RegistryService.AliasName(alias);
        var number = RegistryService.VersionNumber(version);
        MaxLength(reason, MaxReasonLength, "reason");
        var model = await ModelAsync(name, ct);
        var target = await VersionAsync(model.Name, number, ct);
        var who = UserOrUnknown(user);
        RequirePassedValidation(target);
        if (GovernancePolicy.RequiresApproval(model))
        {
            await RequireApprovalAsync(model.Name, number, alias!, user, who, ct);
        }
        return (await governance.MoveAliasAsync(new NewAliasMove(model.Name, alias!, number, who, reason ?? "", AliasMoveKinds.Promote, Now), ct))!;
    }

    /// <summary>Records <paramref name="user"/>'s approval of a version for an alias; the user must be named.</summary>
    public async Task<Approval> ApproveAsync(string? name, string? version, string? alias, string? user, string? comment, CancellationToken ct = default)
    {
        RegistryService.AliasName(alias);
        var number = RegistryService.VersionNumber(version);
        var who = NamedUser(user, "an approval records who approved");
        MaxLength(comment, MaxReasonLength, "comment");
        var model = await ModelAsync(name, ct);
        await VersionAsync(model.Name, number, ct);
        return await governance.AddApprovalAsync(new Approval(model.Name, number, alias!, who, comment ?? "", Now), ct);
    }

    /// <summary>
    /// Moves <paramref name="alias"/> back to the version that held it before its current holder (versions deleted
    /// since are skipped); an alias that went away with its deleted version returns to the holder before that one. An
    /// alias that is not set otherwise, or has no earlier holder left, is INVALID_STATE.
    /// </summary>
    public async Task<AliasMove> RollbackAsync(string? name, string? alias, string? user, string? reason, CancellationToken ct = default)
    {
        Required(alias, "alias");
        MaxLength(reason, MaxReasonLength, "reason");
        var model = await ModelAsync(name, ct);
        var moves = await governance.ListAliasMovesAsync(model.Name, alias, ct);
        var holder = model.Aliases.FirstOrDefault(a => a.Alias == alias)?.Version;
        var current = holder
            ?? await DeletedHolderAsync(model.Name, moves, ct)
            ?? throw new KeelException(ErrorCode.InvalidState,
                $"Nothing to roll back: alias '{alias}' of model '{model.Name}' is not set.");
        var existing = new HashSet<long>();
        foreach (var candidate in moves.Select(m => m.NewVersion).OfType<long>().Distinct())
        {
            if (await registry.GetModelVersionAsync(model.Name, candidate, ct) is not null)
            {
                existing.Add(candidate);
            }
        }
        var target = RollbackPlanner.Target(moves, current, existing.Contains)
            ?? throw new KeelException(ErrorCode.InvalidState, string.Create(CultureInfo.InvariantCulture,
                $"Nothing to roll back: alias '{alias}' of model '{model.Name}' has no earlier holder than version {current} that still exists."));
        // Conditional: two operators rolling back at once go one step back, not two, and the second is told so.
        var move = new NewAliasMove(model.Name, alias!, target, UserOrUnknown(user), reason ?? "", AliasMoveKinds.Rollback, Now) { OnlyIf = new ExpectedHolder(holder) };
        return (await governance.MoveAliasAsync(move, ct))!;
    }

    /// <summary>
    /// The version an unset alias last named when it went away with that version (the version was deleted): rolling
    /// back then restores the holder before it. Null when the alias was removed on its own, which rollback leaves alone.
    /// </summary>
    private async Task<long?> DeletedHolderAsync(string model, IReadOnlyList<AliasMove> moves, CancellationToken ct) =>
        moves.Count > 0 && moves[^1] is { Kind: AliasMoveKinds.Delete, PreviousVersion: { } previous }
            && await registry.GetModelVersionAsync(model, previous, ct) is null
            ? previous
            : null;

    /// <summary>The model's alias moves, oldest first; only <paramref name="alias"/>'s when given.</summary>
    public async Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string? name, string? alias, CancellationToken ct = default)
    {
        var model = await ModelAsync(name, ct);
        return await governance.ListAliasMovesAsync(model.Name, string.IsNullOrEmpty(alias) ? null : alias, ct);
    }

    /// <summary>The model's approvals, oldest first; only <paramref name="version"/>'s when given.</summary>
    public async Task<IReadOnlyList<Approval>> ListApprovalsAsync(string? name, string? version, CancellationToken ct = default)
    {
        long? number = string.IsNullOrEmpty(version) ? null : RegistryService.VersionNumber(version);
        var model = await ModelAsync(name, ct);
        return await governance.ListApprovalsAsync(model.Name, number, ct);
    }

    private static void RequirePassedValidation(ModelVersion version)
    {
        var status = version.Tags.FirstOrDefault(t => t.Key == ValidationTags.Status)?.Value;
        if (status != ValidationTags.Passed)
        {
            var seen = status is null ? "it has not been validated" : $"its latest validation is '{status}'";
            throw new KeelException(ErrorCode.InvalidState, string.Create(CultureInfo.InvariantCulture,
                $"Cannot promote {version.Name} version {version.Version}: promotion requires tag '{ValidationTags.Status}' = '{ValidationTags.Passed}' "
                + $"(run `keel models validate`), and {seen}."));
        }
    }

    private async Task RequireApprovalAsync(string model, long version, string alias, string? user, string who, CancellationToken ct)
    {
        NamedUser(user, $"model '{model}' requires approval ({GovernancePolicy.RequireApprovalTag} = true), which needs to know who promotes");
        var approvals = (await governance.ListApprovalsAsync(model, version, ct)).Where(a => a.Alias == alias).ToArray();
        if (approvals.Any(a => a.User != who))
        {
            return;
        }
        var rule = string.Create(CultureInfo.InvariantCulture,
            $"Cannot promote {model} version {version} to '{alias}': model policy {GovernancePolicy.RequireApprovalTag} = true requires an approval "
            + $"of this version for this alias by a user other than the one promoting ('{who}')");
        throw new KeelException(ErrorCode.InvalidState, approvals.Length > 0
            ? rule + "; self-approval does not count (run `keel models approve` as another user)."
            : rule + ", and there is none (run `keel models approve`).");
    }

    private async Task<RegisteredModel> ModelAsync(string? name, CancellationToken ct)
    {
        Required(name, "name");
        return await registry.GetRegisteredModelAsync(name!, ct)
            ?? throw KeelException.NotFound($"Registered Model with name={name} not found");
    }

    private async Task<ModelVersion> VersionAsync(string model, long version, CancellationToken ct) =>
        await registry.GetModelVersionAsync(model, version, ct)
            ?? throw KeelException.NotFound(string.Create(CultureInfo.InvariantCulture, $"Model Version (name={model}, version={version}) not found"));

    internal static string UserOrUnknown(string? user)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return GovernancePolicy.UnknownUser;
        }
        MaxLength(user, MaxUserLength, "user");
        return user.Trim();
    }

    private static string NamedUser(string? user, string why)
    {
        if (string.IsNullOrWhiteSpace(user) || user.Trim() == GovernancePolicy.UnknownUser)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter 'user' (the X-Keel-User header): {why}.");
        }
        return UserOrUnknown(user);
    }
}
