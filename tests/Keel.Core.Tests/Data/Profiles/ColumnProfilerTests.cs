using Keel.Core.Data.Profiles;

namespace Keel.Core.Tests.Data.Profiles;

public sealed class ColumnProfilerTests
{
    [Fact]
    public void Build_SmallNumericColumn_HandComputedProfile()
    {
        var profile = Numbers(ColumnKinds.Whole, 2, 4, 4, 4, 5, 5, 7, 9, null);

        Assert.Equal(8, profile.Count);
        Assert.Equal(1, profile.Nulls);
        Assert.Equal(5, profile.Distinct);
        Assert.Equal((2.0, 9.0), (profile.Min, profile.Max));
        Assert.Equal(5, profile.Mean!.Value, 12);
        Assert.Equal(2, profile.Std!.Value, 12);
        // ceil(8q)-th smallest of 2 4 4 4 5 5 7 9.
        Assert.Equal(
            [2, 2, 2, 2, 4, 4, 5, 9, 9, 9, 9],
            profile.Quantiles!.Select(q => q.Value));
        // Sturges: ceil(log2 8) + 1 = 4 bins of width 1.75 over [2, 9].
        Assert.Equal([2, 3.75, 5.5, 7.25, 9], profile.Histogram!.Edges);
        Assert.Equal([1, 5, 1, 1], profile.Histogram.Counts);
    }

    [Fact]
    public void Build_EmptyColumn_HasCountsOnly()
    {
        var profile = Numbers(ColumnKinds.Real);

        Assert.Equal((0L, 0L), (profile.Count, profile.Nulls));
        Assert.Null(profile.Mean);
        Assert.Null(profile.Histogram);
        Assert.Null(profile.Quantiles);
    }

    [Fact]
    public void Build_AllNulls_CountsThemAndNothingElse()
    {
        var profile = Numbers(ColumnKinds.Real, null, null, null);

        Assert.Equal((0L, 3L), (profile.Count, profile.Nulls));
        Assert.Null(profile.Min);
    }

    [Fact]
    public void Build_OneValue_StdZeroAndOneBin()
    {
        var profile = Numbers(ColumnKinds.Real, 4.5, 4.5, 4.5);

        Assert.Equal(0, profile.Std);
        Assert.Equal([4.5, 4.5], profile.Histogram!.Edges);
        Assert.Equal([3], profile.Histogram.Counts);
        Assert.All(profile.Quantiles!, q => Assert.Equal(4.5, q.Value));
    }

    [Fact]
    public void AddNumber_NaNAndInfinities_CountAsNulls()
    {
        var profile = Numbers(ColumnKinds.Real, 1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 3);

        Assert.Equal((2L, 3L), (profile.Count, profile.Nulls));
        Assert.Equal(2, profile.Mean);
        Assert.Equal(3, profile.Max);
    }

    [Fact]
    public void Build_HugeValues_StayFiniteAndSerialize()
    {
        var profile = Numbers(ColumnKinds.Real, -1e308, 1e308);

        Assert.Equal(0, profile.Mean);
        Assert.Equal(1e308, profile.Std!.Value, 1e296);
        Assert.All(profile.Histogram!.Edges, e => Assert.True(double.IsFinite(e)));
        Assert.Contains("\"std\":1E+308", new DatasetProfile(2, [profile]).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MoreValuesThanTheExactLimit_NeedsASecondPassForItsHistogram()
    {
        var options = new ProfileOptions { ExactValueLimit = 10, SketchCapacity = 8 };
        var profiler = new ColumnProfiler("x", ColumnKinds.Real, options);
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        foreach (var v in values)
        {
            profiler.AddNumber(v);
        }

        Assert.True(profiler.NeedsHistogramPass);
        Assert.Null(profiler.Build().Histogram);

        profiler.BeginHistogramPass();
        foreach (var v in values)
        {
            profiler.AddToHistogram(v);
        }
        var profile = profiler.Build();

        Assert.False(profiler.NeedsHistogramPass);
        // ceil(log2 100) + 1 = 8 bins of width 12.375 over [1, 100]: bin i holds values in [1 + 12.375i, 1 + 12.375(i+1)).
        Assert.Equal([13, 12, 13, 12, 12, 13, 12, 13], profile.Histogram!.Counts);
        Assert.Equal(100, profile.Distinct);
        Assert.Equal(1, profile.Quantiles![0].Value);
        Assert.Equal(100, profile.Quantiles[^1].Value);
    }

    [Fact]
    public void Build_TextColumn_TopValuesWithExactCounts()
    {
        var profiler = new ColumnProfiler("country", ColumnKinds.Text, new ProfileOptions { TopValues = 2 });
        foreach (var v in new[] { "FR", "DE", null, "FR", "US", "FR", "DE" })
        {
            profiler.AddText(v);
        }

        var profile = profiler.Build();

        Assert.Equal((6L, 1L, 3L), (profile.Count, profile.Nulls, profile.Distinct!.Value));
        Assert.Equal([new ValueCount("FR", 3), new ValueCount("DE", 2)], profile.TopValues);
        Assert.Null(profile.Mean);
    }

    [Fact]
    public void Build_MoreDistinctValuesThanTheLimit_DistinctIsUnknown()
    {
        var profiler = new ColumnProfiler("id", ColumnKinds.Whole, new ProfileOptions { DistinctLimit = 3 });
        foreach (var v in new double[] { 1, 2, 3, 4 })
        {
            profiler.AddNumber(v);
        }

        Assert.Null(profiler.Build().Distinct);
    }

    [Fact]
    public void AddText_OnANumericColumn_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() => new ColumnProfiler("x", ColumnKinds.Real).AddText("a"));

    [Fact]
    public void ProfileBuilder_BuildsEveryColumnAndRoundTripsJson()
    {
        var builder = new ProfileBuilder([("age", ColumnKinds.Whole), ("flag", ColumnKinds.Flag)]);
        builder.AddRows(2);
        builder.Columns[0].AddNumber(30);
        builder.Columns[0].AddNumber(40);
        builder.Columns[1].AddText("true");
        builder.Columns[1].AddText(null);

        var profile = builder.Build();
        var back = DatasetProfile.Parse(profile.ToJson());

        Assert.Equal(2, back.RowCount);
        Assert.Equal(["age", "flag"], back.Columns.Select(c => c.Name));
        Assert.Equal(35, back.Columns[0].Mean);
        Assert.Equal([new ValueCount("true", 1)], back.Columns[1].TopValues);
    }

    private static ColumnProfile Numbers(string type, params double?[] values)
    {
        var profiler = new ColumnProfiler("x", type);
        foreach (var v in values)
        {
            profiler.AddNumber(v);
        }
        return profiler.Build();
    }
}
