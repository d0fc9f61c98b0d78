using Keel.Core.Data.Profiles;

namespace Keel.Core.Data.Validation;

/// <summary>
/// The rules of one column that need its values rather than its profile: uniqueness, allowed values and drift.
/// Values arrive as canonical text (<see cref="CanonicalText"/>, null when missing) and, for numeric columns, as numbers.
/// </summary>
/// <remarks>
/// Uniqueness keeps a set of 64-bit <see cref="StableHash"/> values: about 20 bytes per distinct value, exact but for
/// hash collisions (about n²/2⁶⁵). Numeric drift bins values on the reference histogram's edges plus one bucket below
/// its minimum and one above its maximum (empty in the reference), so a shift out of the reference range counts in
/// full. Categorical drift counts the reference's top values plus one bucket for all other values.
/// </remarks>
internal sealed class ColumnRowRules
{
    private const int ExampleLimit = 3;

    private readonly HashSet<ulong>? _seen;
    private readonly HashSet<string>? _allowed;
    private readonly List<string> _examples = [];
    private readonly IReadOnlyList<double>? _edges;
    private readonly Dictionary<string, int>? _categories;
    private readonly long[]? _referenceCounts;
    private readonly long[]? _currentCounts;

    public ColumnRowRules(ColumnExpectation expectation, ColumnProfile? reference)
    {
        if (expectation.Unique == true)
        {
            _seen = [];
        }
        if (expectation.Allowed is { } allowed)
        {
            _allowed = new HashSet<string>(allowed, StringComparer.Ordinal);
        }
        if (expectation.Drift is null)
        {
            return;
        }

        if (reference is null)
        {
            DriftProblem = "column not in the reference";
        }
        else if (ColumnKinds.IsNumeric(reference.Type) && reference.Histogram is { } histogram)
        {
            _edges = histogram.Edges;
            _referenceCounts = [0, .. histogram.Counts, 0];
            _currentCounts = new long[_referenceCounts.Length];
        }
        else if (!ColumnKinds.IsNumeric(reference.Type) && reference.TopValues is { Count: > 0 } top)
        {
            _categories = top.Select((v, i) => (v.Value, i)).ToDictionary(e => e.Value, e => e.i, StringComparer.Ordinal);
            _referenceCounts = [.. top.Select(v => v.Count), Math.Max(0, reference.Count - top.Sum(v => v.Count))];
            _currentCounts = new long[_referenceCounts.Length];
        }
        else
        {
            DriftProblem = "the reference column has no values to compare with";
        }
    }

    public long Duplicates { get; private set; }

    public long Disallowed { get; private set; }

    /// <summary>The first few distinct values found outside the allowed list.</summary>
    public IReadOnlyList<string> DisallowedExamples => _examples;

    /// <summary>Why drift could not be measured, or null.</summary>
    public string? DriftProblem { get; }

    public void Add(string? text, double? number)
    {
        if (text is null)
        {
            return;
        }
        if (_seen is not null && !_seen.Add(StableHash.Of(text)))
        {
            Duplicates++;
        }
        if (_allowed is not null && !_allowed.Contains(text))
        {
            Disallowed++;
            if (_examples.Count < ExampleLimit && !_examples.Contains(text))
            {
                _examples.Add(text);
            }
        }
        if (_currentCounts is not null)
        {
            CountForDrift(text, number);
        }
    }

    /// <summary>PSI and Jensen–Shannon distance of the values seen against the reference; NaN when either is empty.</summary>
    public (double Psi, double Js)? Drift() =>
        _currentCounts is null ? null
        : (DistributionDistance.Psi(_referenceCounts!, _currentCounts), DistributionDistance.JensenShannon(_referenceCounts!, _currentCounts));

    private void CountForDrift(string text, double? number)
    {
        if (_edges is null)
        {
            _currentCounts![_categories!.TryGetValue(text, out var index) ? index : _currentCounts.Length - 1]++;
            return;
        }
        if (number is { } value && double.IsFinite(value))
        {
            // Bucket 0 is below the reference minimum; bin i of the reference is bucket i + 1.
            _currentCounts![HistogramBins.IndexOf(_edges, value) + 1]++;
        }
    }
}
