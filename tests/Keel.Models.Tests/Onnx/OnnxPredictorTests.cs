using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.Onnx;
using Keel.Testing;

namespace Keel.Models.Tests.Onnx;

public sealed class OnnxPredictorTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly TempDirectory _dir = new("keel-onnx");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Predict_KnownLogisticRegression_MatchesPlainMath()
    {
        using var predictor = Load("logistic.onnx", KnownOnnxModels.LogisticRegression());
        const int rows = 500;
        var random = new Random(7);
        var features = Enumerable.Range(0, rows * 3).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();

        var output = predictor.Predict(new DataBatch([DataColumn.Of("features", features, [3])]));

        var score = output["score"].As<float>();
        var probability = output["probability"].As<float>();
        var maxDiff = 0.0;
        for (var row = 0; row < rows; row++)
        {
            var (expectedScore, expectedProbability) = KnownOnnxModels.LogisticExpected(features.AsSpan(row * 3, 3));
            maxDiff = Math.Max(maxDiff, Math.Max(Math.Abs(score[row] - expectedScore), Math.Abs(probability[row] - expectedProbability)));
        }

        Assert.True(maxDiff < Tolerance, $"max abs diff {maxDiff:E2}");
        Assert.Equal(rows, output.RowCount);
        TestContext.Current.TestOutputHelper?.WriteLine($"known logistic regression: max abs diff {maxDiff:E2}");
    }

    [Fact]
    public void Predict_KnownTreeEnsemble_MatchesPlainMath()
    {
        using var predictor = Load("trees.onnx", KnownOnnxModels.TreeEnsemble());
        var random = new Random(11);
        // Values on the thresholds check that "at or below" goes to the true branch.
        float[] edges = [0.5f, 0.5f, 0.5f, -1f, 0.5f, 0f, 0.6f, -1f, 0.6f, -1.01f, 0.4f, 0f];
        var x = edges.Concat(Enumerable.Range(0, 400).Select(_ => (float)(random.NextDouble() * 4 - 2))).ToArray();

        var y = predictor.Predict(new DataBatch([DataColumn.Of("x", x, [2])]))["y"].As<float>();

        var maxDiff = Enumerable.Range(0, x.Length / 2).Max(row => Math.Abs(y[row] - KnownOnnxModels.TreesExpected(x[2 * row], x[(2 * row) + 1])));
        Assert.True(maxDiff < Tolerance, $"max abs diff {maxDiff:E2}");
        TestContext.Current.TestOutputHelper?.WriteLine($"known tree ensemble: max abs diff {maxDiff:E2}");
    }

    [Fact]
    public void Load_KnownModels_ReportBatchedSchemas()
    {
        using var logistic = Load("logistic.onnx", KnownOnnxModels.LogisticRegression());
        using var identity = Load("identity.onnx", KnownOnnxModels.IdentityOfEveryType());

        Assert.Equal("onnx", logistic.Flavor);
        Assert.Equal([new ColumnSchema("features", DataType.Float32, [3])], logistic.Inputs, SchemaComparer.Instance);
        Assert.Equal(
            [ColumnSchema.Scalar("score", DataType.Float32), ColumnSchema.Scalar("probability", DataType.Float32)],
            logistic.Outputs, SchemaComparer.Instance);
        Assert.Equal(
            [
                new ColumnSchema("f", DataType.Float32, [2, 2]), new ColumnSchema("d", DataType.Float64, [3]),
                ColumnSchema.Scalar("i", DataType.Int32), new ColumnSchema("l", DataType.Int64, [1]),
                ColumnSchema.Scalar("b", DataType.Boolean), new ColumnSchema("s", DataType.String, [2]),
            ],
            identity.Inputs, SchemaComparer.Instance);
        Assert.Equal(ColumnSchema.Scalar("l_out", DataType.Int64), identity.Outputs[3], SchemaComparer.Instance);
    }

    [Fact]
    public void Predict_EveryElementType_RoundTrips()
    {
        using var predictor = Load("identity.onnx", KnownOnnxModels.IdentityOfEveryType());
        float[] f = [1, 2, 3, 4, 5, 6, 7, 8];
        double[] d = [0.1, 0.2, 0.3, 1.1, 1.2, 1.3];
        int[] i = [-1, 2];
        long[] l = [long.MaxValue, -5];
        bool[] b = [true, false];
        string[] s = ["a", "", "héllo", "z"];

        // "l" takes [N, 1]; a scalar column fills it as well.
        var output = predictor.Predict(new DataBatch(
        [
            DataColumn.Of("f", f, [2, 2]), DataColumn.Of("d", d, [3]), DataColumn.Of("i", i), DataColumn.Of("l", l),
            DataColumn.Of("b", b), DataColumn.Of("s", s, [2]),
        ]));

        Assert.Equal(f, output["f_out"].As<float>());
        Assert.Equal([2, 2], output["f_out"].RowShape);
        Assert.Equal(d, output["d_out"].As<double>());
        Assert.Equal(i, output["i_out"].As<int>());
        Assert.Equal(l, output["l_out"].As<long>());
        Assert.Empty(output["l_out"].RowShape);
        Assert.Equal(b, output["b_out"].As<bool>());
        Assert.Equal(s, output["s_out"].As<string>());
    }

    [Fact]
    public void Predict_MissingColumn_ThrowsNamingIt()
    {
        using var predictor = Load("logistic.onnx", KnownOnnxModels.LogisticRegression());

        var error = Assert.Throws<KeelException>(() => predictor.Predict(new DataBatch([DataColumn.Of("other", new float[3], [3])])));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'features'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float32 of shape [3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_WrongType_ThrowsNamingColumnExpectedAndGiven()
    {
        using var predictor = Load("logistic.onnx", KnownOnnxModels.LogisticRegression());

        var error = Assert.Throws<KeelException>(() => predictor.Predict(new DataBatch([DataColumn.Of("features", new double[6], [3])])));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'features'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float64", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_WrongShape_ThrowsNamingColumnExpectedAndGiven()
    {
        using var predictor = Load("logistic.onnx", KnownOnnxModels.LogisticRegression());

        var error = Assert.Throws<KeelException>(() => predictor.Predict(new DataBatch([DataColumn.Of("features", new float[8], [4])])));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'features'", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_BatchTheRuntimeRejects_ThrowsKeelException()
    {
        using var predictor = Load("fixed-batch.onnx", KnownOnnxModels.LogisticRegression(fixedBatch: 2));

        var error = Assert.Throws<KeelException>(() => predictor.Predict(new DataBatch([DataColumn.Of("features", new float[9], [3])])));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_EmptyBatch_ReturnsEmptyColumns()
    {
        using var predictor = Load("logistic.onnx", KnownOnnxModels.LogisticRegression());

        var output = predictor.Predict(new DataBatch([DataColumn.Of("features", Array.Empty<float>(), [3])]));

        Assert.Equal(0, output.RowCount);
        Assert.Equal(["score", "probability"], output.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Load_NotAnOnnxModel_ThrowsKeelException()
    {
        var path = Path.Combine(_dir.Path, "garbage.onnx");
        File.WriteAllText(path, "not a model");

        var error = Assert.Throws<KeelException>(() => OnnxPredictor.Load(path));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, Assert.Throws<KeelException>(() => OnnxPredictor.Load(path + ".missing")).Code);
    }

    [Fact]
    public void Predict_ManyThreadsOnOneSession_AgreeWithOneThread()
    {
        using var predictor = Load("logistic.onnx", KnownOnnxModels.LogisticRegression());
        var features = Enumerable.Range(0, 300).Select(v => (v % 17) / 4f).ToArray();
        var batch = new DataBatch([DataColumn.Of("features", features, [3])]);
        var expected = predictor.Predict(batch)["probability"].As<float>();

        Parallel.For(0, 64, _ => Assert.Equal(expected, predictor.Predict(batch)["probability"].As<float>()));
    }

    private OnnxPredictor Load(string name, byte[] model)
    {
        var path = Path.Combine(_dir.Path, name);
        File.WriteAllBytes(path, model);
        OnnxChecker.AssertValid(path);
        return OnnxPredictor.Load(path);
    }

    private sealed class SchemaComparer : IEqualityComparer<ColumnSchema>
    {
        public static readonly SchemaComparer Instance = new();

        public bool Equals(ColumnSchema? x, ColumnSchema? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Type == y.Type && x.RowShape.SequenceEqual(y.RowShape);

        public int GetHashCode(ColumnSchema obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
