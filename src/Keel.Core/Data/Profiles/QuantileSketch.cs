namespace Keel.Core.Data.Profiles;

/// <summary>
/// A deterministic, mergeable quantile sketch: a stack of compactors in the style of KLL without its randomness.
/// Level h holds up to <see cref="Capacity"/> values of weight 2^h; a full level is sorted and every other value
/// (starting at offset 0, then 1, alternating per level) moves up one level with twice the weight.
/// </summary>
/// <remarks>
/// Error bound: one compaction at level h shifts the weighted rank of any point by at most 2^h, and a level
/// compacts at most n / ((k-1)·2^h) times, so each level that ever compacted adds at most n/(k-1) rank error.
/// The rank of a returned quantile is therefore within <see cref="RankErrorBound"/> = H/(k-1) of the asked rank
/// (as a share of n), H being the number of levels that compacted, at most floor(log2(n/(k-1))) + 1. With the
/// default k = 2048: 0.44% at a million values, 0.93% at a billion; exact (bound 0) until k values arrive.
/// Memory is about k·(H+1) doubles. Alternating offsets make errors cancel in practice, far below the bound.
/// </remarks>
public sealed class QuantileSketch
{
    public const int DefaultCapacity = 2048;

    private readonly List<List<double>> _levels = [[]];
    private readonly List<bool> _compacted = [false];
    private readonly List<int> _offsets = [0];

    /// <param name="capacity">Values a level holds before it compacts (k); at least 4. More is more accurate and larger.</param>
    public QuantileSketch(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 4);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>How many values were added (merged sketches included).</summary>
    public long Count { get; private set; }

    /// <summary>The largest rank error (a share of <see cref="Count"/>, 0..1) a quantile can have; 0 while exact.</summary>
    public double RankErrorBound => (double)_compacted.Count(c => c) / (Capacity - 1);

    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException("NaN has no rank; leave it out.", nameof(value));
        }

        _levels[0].Add(value);
        Count++;
        if (_levels[0].Count >= Capacity)
        {
            CompactFrom(0);
        }
    }

    /// <summary>Adds every value <paramref name="other"/> saw; the bound stays H/(k-1) over both histories.</summary>
    public void Merge(QuantileSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Capacity != Capacity)
        {
            throw new ArgumentException($"Cannot merge a sketch of capacity {other.Capacity} into one of capacity {Capacity}.", nameof(other));
        }

        for (var h = 0; h < other._levels.Count; h++)
        {
            EnsureLevel(h);
            _levels[h].AddRange(other._levels[h]);
            _compacted[h] |= other._compacted[h];
        }
        Count += other.Count;
        CompactFrom(0);
    }

    /// <summary>
    /// The value at rank <paramref name="rank"/> (0..1) by the inverse of the empirical distribution function
    /// (numpy's <c>inverted_cdf</c>): the smallest held value whose cumulative weight reaches ceil(rank·n).
    /// NaN when the sketch is empty.
    /// </summary>
    public double Quantile(double rank) => Quantiles([rank])[0];

    /// <summary>As <see cref="Quantile"/> for several ranks with one sort.</summary>
    public IReadOnlyList<double> Quantiles(IReadOnlyList<double> ranks)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        var weighted = new List<(double Value, long Weight)>();
        for (var h = 0; h < _levels.Count; h++)
        {
            weighted.AddRange(_levels[h].Select(v => (v, 1L << h)));
        }
        weighted.Sort((a, b) => a.Value.CompareTo(b.Value));

        var result = new double[ranks.Count];
        for (var i = 0; i < ranks.Count; i++)
        {
            result[i] = weighted.Count == 0 ? double.NaN : At(weighted, ranks[i]);
        }
        return result;
    }

    private double At(List<(double Value, long Weight)> weighted, double rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, 1);
        // Same product as numpy (n·q) so exact sketches agree with it to the last bit.
        var target = Math.Max(1, (long)Math.Ceiling(Count * rank));
        long cumulative = 0;
        foreach (var (value, weight) in weighted)
        {
            cumulative += weight;
            if (cumulative >= target)
            {
                return value;
            }
        }
        return weighted[^1].Value;
    }

    private void CompactFrom(int level)
    {
        for (var h = level; h < _levels.Count; h++)
        {
            if (_levels[h].Count >= Capacity)
            {
                Compact(h);
            }
        }
    }

    private void Compact(int h)
    {
        var items = _levels[h];
        items.Sort();
        EnsureLevel(h + 1);
        // An odd item out stays behind at its weight, so the total weight stays exactly Count.
        var paired = items.Count - (items.Count % 2);
        var offset = _offsets[h];
        _offsets[h] ^= 1;
        var up = _levels[h + 1];
        for (var i = offset; i < paired; i += 2)
        {
            up.Add(items[i]);
        }

        var leftover = paired < items.Count ? items[^1] : (double?)null;
        items.Clear();
        if (leftover is { } kept)
        {
            items.Add(kept);
        }
        _compacted[h] = true;
    }

    private void EnsureLevel(int h)
    {
        while (_levels.Count <= h)
        {
            _levels.Add([]);
            _compacted.Add(false);
            _offsets.Add(0);
        }
    }
}
