namespace Keel.Core.Registry.Governance;

/// <summary>Registered-model tags that set a model's promotion policy.</summary>
public static class GovernancePolicy
{
    /// <summary>
    /// <c>true</c> (any case) means a promotion needs an approval of that version for that alias by a user other
    /// than the one promoting; any other value, or no tag, means it does not.
    /// </summary>
    public const string RequireApprovalTag = "keel.policy.require_approval";

    /// <summary>The user recorded when a request does not say who made it.</summary>
    public const string UnknownUser = "unknown";

    /// <summary>Whether <paramref name="model"/>'s tags demand an approval before promotion.</summary>
    public static bool RequiresApproval(RegisteredModel model) =>
        model.Tags.Any(t => t.Key == RequireApprovalTag && string.Equals(t.Value.Trim(), "true", StringComparison.OrdinalIgnoreCase));
}
