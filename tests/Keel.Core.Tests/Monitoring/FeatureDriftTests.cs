using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring;

/// <summary>Evidently's default choice of statistic, and the defined results for degenerate inputs.</summary>
public sealed class FeatureDriftTests
{
    private static double[] Spread(int n, double shift = 0) => Enumerable.Range(0, n).Select(i => Math.Sin(i * 0.7) * 3 + shift).ToArray();

    private static double[] Cycle(int n, int values) => Enumerable.Range(0, n).Select(i => (double)(i % values)).ToArray();

    public static TheoryData<int, int, DriftMethod> NumericDefaults => new()
    {
        { 500, 0, DriftMethod.KolmogorovSmirnov },
        { 1000, 0, DriftMethod.KolmogorovSmirnov },
        { 500, 5, DriftMethod.ChiSquared },
        { 500, 3, DriftMethod.ChiSquared },
        { 500, 2, DriftMethod.ZTest },
        { 1001, 0, DriftMethod.Wasserstein },
        { 2000, 5, DriftMethod.JensenShannon },
    };

    [Theory]
    [MemberData(nameof(NumericDefaults))]
    public void Evaluate_NumericWithoutMethod_ChoosesLikeEvidently(int referenceRows, int distinctValues, DriftMethod expected)
    {
        var reference = distinctValues == 0 ? Spread(referenceRows) : Cycle(referenceRows, distinctValues);
        var current = distinctValues == 0 ? Spread(300, 0.1) : Cycle(300, distinctValues);

        var result = FeatureDrift.Evaluate(FeatureValues.Numeric("x", reference), FeatureValues.Numeric("x", current));

        Assert.Equal(expected, result.Method);
        Assert.Null(result.Problem);
        Assert.Equal(DriftDefaults.Threshold(expected), result.Threshold);
        Assert.Equal(FeatureKind.Numeric, result.Kind);
    }

    [Fact]
    public void Evaluate_Categorical_ChoosesChiSquaredUpToThousandRows_ThenJensenShannon()
    {
        string?[] Labels(int n) => Enumerable.Range(0, n).Select(i => "abc"[i % 3].ToString()).ToArray();

        Assert.Equal(DriftMethod.ChiSquared, FeatureDrift.Evaluate(FeatureValues.Categorical("c", Labels(1000)), FeatureValues.Categorical("c", Labels(10))).Method);
        Assert.Equal(DriftMethod.JensenShannon, FeatureDrift.Evaluate(FeatureValues.Categorical("c", Labels(1001)), FeatureValues.Categorical("c", Labels(10))).Method);
    }

    [Fact]
    public void Evaluate_ShiftedNumeric_DriftsWhilePValueBelowThreshold()
    {
        var result = FeatureDrift.Evaluate(FeatureValues.Numeric("x", Spread(400)), FeatureValues.Numeric("x", Spread(400, 2.0)));

        Assert.True(result.Drifted);
        Assert.True(result.Score < 0.05);
        Assert.Equal(result.Score, result.PValue);
        Assert.NotNull(result.Statistic);
    }

    [Fact]
    public void Evaluate_EmptyWindow_HasProblemNotScore()
    {
        var result = FeatureDrift.Evaluate(FeatureValues.Numeric("x", Spread(100)), FeatureValues.Numeric("x", []));

        Assert.Equal("The current window has no non-missing values.", result.Problem);
        Assert.Null(result.Score);
        Assert.False(result.Drifted);
        Assert.Equal(0, result.CurrentCount);
    }

    [Fact]
    public void Evaluate_AllNullColumns_HaveProblems()
    {
        var numeric = FeatureDrift.Evaluate(FeatureValues.Numeric("x", [double.NaN, double.PositiveInfinity]), FeatureValues.Numeric("x", [1.0, 2.0]));
        var categorical = FeatureDrift.Evaluate(FeatureValues.Categorical("c", ["a", "b"]), FeatureValues.Categorical("c", [null, null]));

        Assert.Equal("The reference has no non-missing values.", numeric.Problem);
        Assert.Equal("The current window has no non-missing values.", categorical.Problem);
        Assert.Equal(["a", "b"], categorical.Histogram.Select(b => b.Category));
    }

    [Fact]
    public void Evaluate_SingleDistinctValue_IsDefinedWithoutDrift()
    {
        var same = FeatureDrift.Evaluate(FeatureValues.Numeric("x", Cycle(50, 1)), FeatureValues.Numeric("x", Cycle(20, 1)));
        var ks = FeatureDrift.Evaluate(FeatureValues.Numeric("x", Cycle(50, 1)), FeatureValues.Numeric("x", Cycle(20, 1)), new DriftOptions(DriftMethod.KolmogorovSmirnov));
        var largeReference = FeatureDrift.Evaluate(FeatureValues.Numeric("x", Cycle(5000, 1)), FeatureValues.Numeric("x", Cycle(20, 1)));

        Assert.Equal((DriftMethod.ZTest, 1.0, false), (same.Method, same.Score!.Value, same.Drifted));
        Assert.Equal((0.0, 1.0), (ks.Statistic!.Value, ks.Score!.Value));
        Assert.Equal((DriftMethod.JensenShannon, 0.0), (largeReference.Method, largeReference.Score!.Value));
        var bin = Assert.Single(same.Histogram);
        Assert.Equal((-0.5, 0.5, 1.0, 1.0), (bin.Lower!.Value, bin.Upper!.Value, bin.ReferenceShare, bin.CurrentShare));
    }

    [Fact]
    public void Evaluate_ConstantReference_WassersteinNormsByFloor()
    {
        var result = FeatureDrift.Evaluate(
            FeatureValues.Numeric("x", Cycle(2000, 1)), FeatureValues.Numeric("x", [0.001, 0.001, 0.001, 0.001]), new DriftOptions(DriftMethod.Wasserstein));

        Assert.Equal(0.001, result.Statistic!.Value, 15);
        Assert.Equal(1.0, result.Score!.Value, 12);
        Assert.True(result.Drifted);
    }

    [Fact]
    public void Evaluate_CategoryAbsentFromReference_DriftsWithPValueZero()
    {
        var result = FeatureDrift.Evaluate(
            FeatureValues.Categorical("c", ["a", "b", "c", "a", "b", "c"]), FeatureValues.Categorical("c", ["a", "b", "new", "c"]));

        Assert.Equal(DriftMethod.ChiSquared, result.Method);
        Assert.Equal(0.0, result.Score);
        Assert.Null(result.Statistic);
        Assert.True(result.Drifted);
        Assert.Equal(["a", "b", "c", "new"], result.Histogram.Select(b => b.Category));
        Assert.Equal(0.0, result.Histogram[3].ReferenceShare);
    }

    [Fact]
    public void Evaluate_NonFiniteValues_AreLeftOut()
    {
        var dirty = FeatureDrift.Evaluate(
            FeatureValues.Numeric("x", [.. Spread(40), double.NaN, double.NegativeInfinity]), FeatureValues.Numeric("x", [.. Spread(30, 0.5), double.PositiveInfinity]));
        var clean = FeatureDrift.Evaluate(FeatureValues.Numeric("x", Spread(40)), FeatureValues.Numeric("x", Spread(30, 0.5)));

        Assert.Equal((40, 30), (dirty.ReferenceCount, dirty.CurrentCount));
        Assert.Equal(clean.Score, dirty.Score);
        Assert.Equal(clean.Histogram, dirty.Histogram);
    }

    [Fact]
    public void Evaluate_NumericMethodOnCategories_HasProblem()
    {
        var result = FeatureDrift.Evaluate(FeatureValues.Categorical("c", ["a"]), FeatureValues.Categorical("c", ["b"]), new DriftOptions(DriftMethod.KolmogorovSmirnov));

        Assert.Equal("KolmogorovSmirnov needs numeric values but this feature is compared as categories.", result.Problem);
        Assert.Null(result.Score);
    }

    [Fact]
    public void Evaluate_KindsDiffer_HasProblem_UnlessKindForced()
    {
        var reference = FeatureValues.Numeric("x", [1.0, 2.0, 3.0]);
        var current = FeatureValues.Categorical("x", ["1", "2", "2.5"]);

        Assert.Equal("The reference is numeric but the current window is categorical.", FeatureDrift.Evaluate(reference, current).Problem);
        var forced = FeatureDrift.Evaluate(reference, current, new DriftOptions(DriftMethod.KolmogorovSmirnov, Kind: FeatureKind.Numeric));
        Assert.Null(forced.Problem);
        Assert.Equal(KolmogorovSmirnov.TwoSample([1.0, 2.0, 3.0], [1.0, 2.0, 2.5]).PValue, forced.Score);
        Assert.Equal("Numeric handling was asked for but some values are not numbers.",
            FeatureDrift.Evaluate(reference, FeatureValues.Categorical("x", ["one"]), new DriftOptions(Kind: FeatureKind.Numeric)).Problem);
    }

    [Fact]
    public void Evaluate_ThresholdOverride_DecidesDrift()
    {
        var reference = FeatureValues.Numeric("x", Spread(400));
        var current = FeatureValues.Numeric("x", Spread(400, 0.3));
        var score = FeatureDrift.Evaluate(reference, current).Score!.Value;

        Assert.True(FeatureDrift.Evaluate(reference, current, new DriftOptions(Threshold: score * 1.01)).Drifted);
        Assert.False(FeatureDrift.Evaluate(reference, current, new DriftOptions(Threshold: score)).Drifted);
    }

    [Fact]
    public void EvaluateAll_PairsByName_AndReportsFeaturesMissingFromReference()
    {
        FeatureValues[] reference = [FeatureValues.Numeric("a", Spread(100)), FeatureValues.Categorical("b", ["x", "y"])];
        FeatureValues[] current = [FeatureValues.Categorical("b", ["x", "x"]), FeatureValues.Numeric("z", [1.0]), FeatureValues.Numeric("a", Spread(50, 9))];

        var results = FeatureDrift.EvaluateAll(reference, current, name => name == "a" ? new DriftOptions(DriftMethod.Wasserstein) : null);

        Assert.Equal(["b", "z", "a"], results.Select(r => r.Feature));
        Assert.Equal(DriftMethod.ZTest, results[0].Method);
        Assert.Equal("The reference has no feature of this name.", results[1].Problem);
        Assert.Equal((DriftMethod.Wasserstein, true), (results[2].Method, results[2].Drifted));
    }

    [Fact]
    public void DatasetDrift_ShareIgnoresFeaturesWithProblems()
    {
        var drifted = FeatureDrift.Evaluate(FeatureValues.Numeric("a", Spread(100)), FeatureValues.Numeric("a", Spread(100, 5)));
        var stable = FeatureDrift.Evaluate(FeatureValues.Numeric("b", Spread(100)), FeatureValues.Numeric("b", Spread(100)));
        var broken = FeatureDrift.Evaluate(FeatureValues.Numeric("c", Spread(100)), FeatureValues.Numeric("c", []));

        var result = DatasetDrift.Evaluate([drifted, stable, broken]);

        Assert.Equal(0.5, result.DriftedShare);
        Assert.True(result.DatasetDrift);
        Assert.False(DatasetDrift.Evaluate([drifted, stable, broken], 0.6).DatasetDrift);
        Assert.False(DatasetDrift.Evaluate([broken]).DatasetDrift);
        Assert.Equal(0.0, DatasetDrift.Evaluate([]).DriftedShare);
    }
}
