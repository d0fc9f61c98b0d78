namespace Keel.Core.Data.Validation;

/// <summary>
/// One rule checked: its <see cref="Rule"/> name (the expectations key, e.g. <c>max_null_fraction</c>,
/// <c>drift.max_psi</c>, or <c>present</c>), the column it concerns (null for table rules), what was required and
/// what was found, both as short text.
/// </summary>
public sealed record ValidationCheck(string Rule, string? Column, bool Passed, string Expected, string Observed);

/// <summary>Every check of one validation, in the order the expectations file states them.</summary>
public sealed record ValidationReport(IReadOnlyList<ValidationCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);

    public int FailedCount => Checks.Count(c => !c.Passed);
}
