namespace Keel.Core.Data.Profiles;

/// <summary>
/// Counts a column's values: exactly while at most <c>exactLimit</c> distinct values have been seen, then with a
/// space-saving sketch of <c>counters</c> entries (Metwally et al.), seeded with the most frequent exact counts.
/// </summary>
/// <remarks>
/// In sketch mode a reported count over-estimates the true one by at most n/counters (n = values seen), and any
/// value more frequent than that is certain to be held; <see cref="Distinct"/> becomes unknown. Ties in the top list
/// are ordered by value (ordinal), so the output is deterministic.
/// </remarks>
internal sealed class FrequentValues(int exactLimit, int counters)
{
    private Dictionary<string, long>? _exact = new(StringComparer.Ordinal);
    private SpaceSaving? _sketch;

    /// <summary>The number of distinct values, or null once the exact limit was passed.</summary>
    public long? Distinct => _exact?.Count;

    public bool IsExact => _exact is not null;

    public void Add(string value)
    {
        if (_exact is null)
        {
            _sketch!.Add(value);
            return;
        }

        _exact[value] = _exact.GetValueOrDefault(value) + 1;
        if (_exact.Count > exactLimit)
        {
            // Seeding with the top counts keeps the guarantee: every dropped count is at most the smallest kept one.
            _sketch = new SpaceSaving(counters, _exact.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(counters));
            _exact = null;
        }
    }

    /// <summary>The <paramref name="k"/> most frequent values, most frequent first.</summary>
    public IReadOnlyList<ValueCount> Top(int k)
    {
        var counts = _exact is not null ? _exact.Select(e => (e.Key, e.Value)) : _sketch!.Entries;
        return [.. counts.OrderByDescending(e => e.Item2).ThenBy(e => e.Item1, StringComparer.Ordinal).Take(k).Select(e => new ValueCount(e.Item1, e.Item2))];
    }

    private sealed class SpaceSaving
    {
        private readonly int _capacity;
        private readonly Dictionary<string, Counter> _byValue = new(StringComparer.Ordinal);
        // Ordered by count, then arrival, so the smallest counter is found in O(log m).
        private readonly SortedSet<Counter> _byCount = new(Comparer<Counter>.Create((a, b) =>
            a.Count != b.Count ? a.Count.CompareTo(b.Count) : a.Arrival.CompareTo(b.Arrival)));
        private long _arrivals;

        public SpaceSaving(int capacity, IEnumerable<KeyValuePair<string, long>> seed)
        {
            _capacity = capacity;
            foreach (var (value, count) in seed)
            {
                Put(new Counter(value, count, _arrivals++));
            }
        }

        public IEnumerable<(string, long)> Entries => _byValue.Values.Select(c => (c.Value, c.Count));

        public void Add(string value)
        {
            if (_byValue.TryGetValue(value, out var counter))
            {
                _byCount.Remove(counter);
                Put(counter with { Count = counter.Count + 1 });
                return;
            }
            if (_byValue.Count < _capacity)
            {
                Put(new Counter(value, 1, _arrivals++));
                return;
            }

            // The newcomer inherits the smallest count plus one: an over-estimate by at most that count.
            var smallest = _byCount.Min!;
            _byCount.Remove(smallest);
            _byValue.Remove(smallest.Value);
            Put(new Counter(value, smallest.Count + 1, _arrivals++));
        }

        private void Put(Counter counter)
        {
            _byValue[counter.Value] = counter;
            _byCount.Add(counter);
        }

        private sealed record Counter(string Value, long Count, long Arrival);
    }
}
