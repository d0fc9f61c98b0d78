using Keel.Core.Data.Profiles;

namespace Keel.Core.Data.Validation;

/// <summary>
/// What a tabular dataset must satisfy, as read by <see cref="ExpectationsYaml.Parse"/>: row-count bounds, columns
/// that must be present, and per-column rules. A column named under <see cref="Columns"/> must also be present.
/// </summary>
public sealed record DataExpectations(
    long? MinRows,
    long? MaxRows,
    IReadOnlyList<string> RequiredColumns,
    IReadOnlyList<ColumnExpectation> Columns)
{
    /// <summary>True when some rule compares against a reference dataset (<see cref="ColumnExpectation.Drift"/>).</summary>
    public bool NeedsReference => Columns.Any(c => c.Drift is not null);
}

/// <summary>
/// The rules for one column; null means "not checked". <see cref="Type"/> is a <see cref="ColumnKinds"/> name
/// (integer also satisfies double). <see cref="Allowed"/> values are compared as text (numbers in their shortest
/// invariant form, booleans as true/false). <see cref="Unique"/> ignores nulls.
/// </summary>
public sealed record ColumnExpectation(
    string Name,
    string? Type = null,
    bool? Nullable = null,
    double? MaxNullFraction = null,
    double? Min = null,
    double? Max = null,
    IReadOnlyList<string>? Allowed = null,
    bool? Unique = null,
    DriftExpectation? Drift = null);

/// <summary>
/// Limits on the distribution distance from the reference: population stability index and Jensen–Shannon distance
/// (base 2, 0..1), computed by <see cref="DistributionDistance"/>.
/// </summary>
public sealed record DriftExpectation(double? MaxPsi, double? MaxJs);
