namespace Keel.Core.Registry;

/// <summary>
/// Model-version tags written by <c>keel models validate</c> and read by promotion: the latest validation's outcome
/// lives on the version itself, so the registry UI, the MLflow API and the promotion gate all see the same thing.
/// </summary>
public static class ValidationTags
{
    /// <summary><c>passed</c> or <c>failed</c>: the outcome of the latest validation.</summary>
    public const string Status = "keel.validation.status";

    public const string Passed = "passed";

    public const string Failed = "failed";

    /// <summary>Artifact path (in the version's run) of the latest validation report, JSON.</summary>
    public const string Report = "keel.validation.report";

    /// <summary>The version validated against (e.g. <c>3</c>), empty when there was no champion.</summary>
    public const string Against = "keel.validation.against";

    /// <summary>Dataset version the candidate was scored on, <c>name@version</c>.</summary>
    public const string Data = "keel.validation.data";

    /// <summary>When it ran, ms since the epoch.</summary>
    public const string Time = "keel.validation.time";

    /// <summary>Artifact path (in the version's run) of the permutation feature importance, JSON.</summary>
    public const string Importance = "keel.importance.report";
}
