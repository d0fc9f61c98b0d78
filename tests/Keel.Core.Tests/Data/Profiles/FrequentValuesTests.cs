using Keel.Core.Data.Profiles;

namespace Keel.Core.Tests.Data.Profiles;

public sealed class FrequentValuesTests
{
    [Fact]
    public void Top_Exact_CountsAndOrdersTiesByValue()
    {
        var values = new FrequentValues(exactLimit: 100, counters: 10);
        foreach (var v in "b a c b a d b".Split(' '))
        {
            values.Add(v);
        }

        Assert.Equal([new ValueCount("b", 3), new ValueCount("a", 2), new ValueCount("c", 1)], values.Top(3));
        Assert.Equal(4, values.Distinct);
        Assert.True(values.IsExact);
    }

    [Fact]
    public void Top_BeyondTheExactLimit_KeepsTheHeavyHitterWithinTheSketchError()
    {
        var values = new FrequentValues(exactLimit: 5, counters: 4);
        // "hot" every other value, 200 one-off values in between: n = 400.
        for (var i = 0; i < 200; i++)
        {
            values.Add("hot");
            values.Add($"cold{i}");
        }

        Assert.False(values.IsExact);
        Assert.Null(values.Distinct);
        var top = values.Top(1).Single();
        Assert.Equal("hot", top.Value);
        // Space-saving over-estimates by at most n / counters = 100.
        Assert.InRange(top.Count, 200, 300);
    }
}
