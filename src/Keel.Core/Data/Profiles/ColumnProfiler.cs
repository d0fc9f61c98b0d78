using System.Globalization;

namespace Keel.Core.Data.Profiles;

/// <summary>
/// Builds one column's <see cref="ColumnProfile"/> from a stream of values, in memory bounded by
/// <see cref="ProfileOptions"/>. Numeric columns (<see cref="ColumnKinds.IsNumeric"/>) take <see cref="AddNumber"/>;
/// the others take <see cref="AddText"/> (booleans as "true"/"false", timestamps in one normalized text form).
/// </summary>
/// <remarks>
/// NaN and ±∞ count as nulls: pandas reads NaN as missing, and neither has a place on the number line that a mean,
/// a quantile or a histogram bin could use. Numeric columns report count, nulls, distinct, min, max, mean, population
/// std, quantiles and a histogram; text columns count, nulls, distinct and the top values. The histogram comes from
/// the exact values when the column has at most <see cref="ProfileOptions.ExactValueLimit"/> of them; otherwise
/// <see cref="NeedsHistogramPass"/> is true and the caller feeds the values again through
/// <see cref="AddToHistogram"/> after <see cref="BeginHistogramPass"/>. Without that pass the histogram is left out.
/// </remarks>
public sealed class ColumnProfiler
{
    private readonly ProfileOptions _options;
    private readonly MomentAccumulator _moments = new();
    private readonly QuantileSketch? _sketch;
    private readonly FrequentValues? _frequent;
    private HashSet<double>? _distinctNumbers;
    private List<double>? _exactValues;
    private double[]? _edges;
    private long[]? _binCounts;

    public ColumnProfiler(string name, string type, ProfileOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(type);
        Name = name;
        Type = type;
        _options = options ?? ProfileOptions.Default;
        if (IsNumeric)
        {
            _sketch = new QuantileSketch(_options.SketchCapacity);
            _distinctNumbers = [];
            _exactValues = [];
        }
        else
        {
            _frequent = new FrequentValues(_options.DistinctLimit, _options.FrequentValueCounters);
        }
    }

    public string Name { get; }

    public string Type { get; }

    public bool IsNumeric => ColumnKinds.IsNumeric(Type);

    /// <summary>Non-null values seen so far.</summary>
    public long Count { get; private set; }

    public long Nulls { get; private set; }

    /// <summary>True when the column outgrew the exact buffer and its histogram needs the values a second time.</summary>
    public bool NeedsHistogramPass => IsNumeric && _exactValues is null && _moments.Count > 0 && _binCounts is null;

    public void AddNumber(double? value)
    {
        RequireNumeric(true);
        if (value is not { } number || !double.IsFinite(number))
        {
            Nulls++;
            return;
        }

        Count++;
        _moments.Add(number);
        _sketch!.Add(number);
        if (_distinctNumbers is not null && _distinctNumbers.Add(number) && _distinctNumbers.Count > _options.DistinctLimit)
        {
            _distinctNumbers = null;
        }
        if (_exactValues is not null)
        {
            _exactValues.Add(number);
            if (_exactValues.Count > _options.ExactValueLimit)
            {
                _exactValues = null;
            }
        }
    }

    public void AddText(string? value)
    {
        RequireNumeric(false);
        if (value is null)
        {
            Nulls++;
            return;
        }

        Count++;
        _frequent!.Add(value);
    }

    /// <summary>Fixes the histogram's bins from the min and max seen; the values then go to <see cref="AddToHistogram"/>.</summary>
    public void BeginHistogramPass()
    {
        if (!NeedsHistogramPass)
        {
            return;
        }

        _edges = HistogramBins.Edges(_moments.Min, _moments.Max, HistogramBins.SturgesCount(_moments.Count));
        _binCounts = new long[_edges.Length - 1];
    }

    /// <summary>Counts a value of the second pass; nulls, NaN and ±∞ are skipped as in the first.</summary>
    public void AddToHistogram(double? value)
    {
        if (_binCounts is null || value is not { } number || !double.IsFinite(number))
        {
            return;
        }

        _binCounts[Math.Clamp(HistogramBins.IndexOf(_edges!, number), 0, _binCounts.Length - 1)]++;
    }

    public ColumnProfile Build()
    {
        if (!IsNumeric)
        {
            return new ColumnProfile(Name, Type, Count, Nulls, _frequent!.Distinct, TopValues: _frequent.Top(_options.TopValues));
        }
        if (Count == 0)
        {
            return new ColumnProfile(Name, Type, 0, Nulls, Distinct: 0);
        }

        return new ColumnProfile(
            Name, Type, Count, Nulls, _distinctNumbers?.Count, _moments.Min, _moments.Max, _moments.Mean, _moments.Std,
            BuildQuantiles(), BuildHistogram());
    }

    private List<QuantilePoint> BuildQuantiles()
    {
        var ranks = ProfileOptions.QuantileRanks;
        IReadOnlyList<double> values;
        if (_exactValues is not null)
        {
            // The column fits: exact quantiles from the values themselves, by the same inverse-CDF rule as the sketch.
            var sorted = _exactValues.Order().ToArray();
            values = [.. ranks.Select(q => sorted[Math.Max(1, (long)Math.Ceiling(sorted.Length * q)) - 1])];
        }
        else
        {
            values = _sketch!.Quantiles(ranks);
        }

        // The ends are known exactly whatever the sketch's error.
        return [.. ranks.Select((q, i) => new QuantilePoint(q, q == 0 ? _moments.Min : q == 1 ? _moments.Max : values[i]))];
    }

    private Histogram? BuildHistogram()
    {
        if (_exactValues is not null)
        {
            var edges = HistogramBins.Edges(_moments.Min, _moments.Max, HistogramBins.SturgesCount(Count));
            var counts = new long[edges.Length - 1];
            foreach (var value in _exactValues)
            {
                counts[Math.Clamp(HistogramBins.IndexOf(edges, value), 0, counts.Length - 1)]++;
            }
            return new Histogram(edges, counts);
        }

        return _binCounts is null ? null : new Histogram(_edges!, _binCounts);
    }

    private void RequireNumeric(bool numeric)
    {
        if (numeric != IsNumeric)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Column '{Name}' of type {Type} takes {(IsNumeric ? "numbers" : "text")}."));
        }
    }
}
