using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.Onnx;
using Keel.Models.Onnx.Proto;
using Keel.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.Tests.Onnx;

public sealed class OnnxExporterTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private const int Rows = 1000;
    private static readonly string[] FeatureColumns = ["A", "B", "C", "V"];

    private readonly TempDirectory _dir = new("keel-onnx-export");
    private readonly MLContext _ml = new(seed: 1);
    private readonly SyntheticRow[] _rows = SyntheticRow.Generate(Rows);
    private readonly IDataView _data;

    public OnnxExporterTests() => _data = _ml.Data.LoadFromEnumerable(_rows);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Export_MinMaxLogisticRegression_MatchesMlNet()
    {
        var pipeline = _ml.Transforms.Concatenate("Features", FeatureColumns)
            .Append(_ml.Transforms.NormalizeMinMax("Features"))
            .Append(_ml.BinaryClassification.Trainers.LbfgsLogisticRegression());

        AssertBinaryMatches(pipeline.Fit(_data), "lbfgs.onnx");
    }

    [Fact]
    public void Export_FastTreeBinary_MatchesMlNet()
    {
        var pipeline = _ml.Transforms.Concatenate("Features", FeatureColumns)
            .Append(_ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 10));

        AssertBinaryMatches(pipeline.Fit(_data), "fasttree-binary.onnx");
    }

    [Fact]
    public void Export_MeanVarianceFastTreeRegression_MatchesMlNet()
    {
        var pipeline = _ml.Transforms.Concatenate("Features", FeatureColumns)
            .Append(_ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(_ml.Regression.Trainers.FastTree(labelColumnName: "Target", numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 10));

        AssertScoreMatches(pipeline.Fit(_data), "fasttree-regression.onnx");
    }

    [Fact]
    public void Export_SdcaLinearRegression_MatchesMlNet()
    {
        var pipeline = _ml.Transforms.Concatenate("Features", FeatureColumns)
            .Append(_ml.Transforms.NormalizeMinMax("Features"))
            .Append(_ml.Regression.Trainers.Sdca(labelColumnName: "Target", maximumNumberOfIterations: 50));

        AssertScoreMatches(pipeline.Fit(_data), "sdca-regression.onnx");
    }

    [Fact]
    public void Export_Pipeline_ReadsRawColumnsButNotTheLabel()
    {
        var model = _ml.Transforms.Concatenate("Features", FeatureColumns)
            .Append(_ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(_data);

        using var predictor = Export(model, "inputs.onnx");

        Assert.Equal(FeatureColumns, predictor.Inputs.Select(i => i.Name));
        Assert.Equal([[], [], [], [2]], predictor.Inputs.Select(i => i.RowShape.ToArray()));
        Assert.Equal(["Score", "PredictedLabel", "Probability"], predictor.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void Export_ScalarColumns_AreRankOneInputsAsMlflowFeedsThem()
    {
        var model = _ml.Transforms.Concatenate("Features", FeatureColumns)
            .Append(_ml.Transforms.NormalizeMinMax("Features"))
            .Append(_ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(_data);

        using var predictor = Export(model, "rank-one.onnx");
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(_dir.Path, "rank-one.onnx"))).Graph;

        // MLflow's onnx pyfunc passes each data frame column as df[col].values, a rank-1 array.
        var shapes = graph.Input.ToDictionary(
            i => i.Name,
            i => i.Type.TensorType.Shape.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.DimParam).ToArray());
        Assert.Equal(["N"], shapes["A"]);
        Assert.Equal(["N"], shapes["B"]);
        Assert.Equal(["N"], shapes["C"]);
        Assert.Equal(["N", "2"], shapes["V"]);
        Assert.Single(graph.Node, n => n.OpType == "Unsqueeze" && n.Input[0] == "A");

        var rows = _rows.Take(5).ToArray();
        var scored = predictor.Predict(new DataBatch(
        [
            DataColumn.Of("A", rows.Select(r => r.A).ToArray()),
            DataColumn.Of("B", rows.Select(r => r.B).ToArray()),
            DataColumn.Of("C", rows.Select(r => r.C).ToArray()),
            DataColumn.Of("V", rows.SelectMany(r => r.V).ToArray(), [2]),
        ]));
        var expected = model.Transform(_ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Probability").ToArray();
        Assert.Equal(5, scored.RowCount);
        Assert.Empty(scored["Probability"].RowShape);
        Assert.True(MaxDiff(expected, scored["Probability"].As<float>()) < Tolerance);
    }

    [Fact]
    public void Export_UnsupportedTransformer_NamesItAndListsWhatIsSupported()
    {
        var model = _ml.Transforms.CopyColumns("A2", "A")
            .Append(_ml.Transforms.Concatenate("Features", "A2", "B"))
            .Append(_ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(_data);

        var error = Assert.Throws<KeelException>(() => OnnxExporter.Export(model, _data.Schema));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("ColumnCopyingTransformer", error.Message, StringComparison.Ordinal);
        Assert.Contains("NormalizingTransformer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_UnsupportedModel_NamesIt()
    {
        // B is never negative, as Poisson regression needs.
        var model = _ml.Transforms.Concatenate("Features", "A", "C")
            .Append(_ml.Regression.Trainers.LbfgsPoissonRegression(labelColumnName: "B"))
            .Fit(_data);

        var error = Assert.Throws<KeelException>(() => OnnxExporter.Export(model, _data.Schema));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("PoissonRegressionModelParameters", error.Message, StringComparison.Ordinal);
        Assert.Contains("FastTreeRegressionModelParameters", error.Message, StringComparison.Ordinal);
    }

    private void AssertBinaryMatches(ITransformer model, string fileName)
    {
        var (expected, actual) = ScoreBoth(model, fileName);

        var scoreDiff = MaxDiff(expected.GetColumn<float>("Score"), actual["Score"].As<float>());
        var probabilityDiff = MaxDiff(expected.GetColumn<float>("Probability"), actual["Probability"].As<float>());
        Assert.True(scoreDiff < Tolerance, $"Score max abs diff {scoreDiff:E2}");
        Assert.True(probabilityDiff < Tolerance, $"Probability max abs diff {probabilityDiff:E2}");
        Assert.Equal(expected.GetColumn<bool>("PredictedLabel").ToArray(), actual["PredictedLabel"].As<bool>());
        TestContext.Current.TestOutputHelper?.WriteLine($"{fileName}: Score max abs diff {scoreDiff:E2}, Probability {probabilityDiff:E2}");
    }

    private void AssertScoreMatches(ITransformer model, string fileName)
    {
        var (expected, actual) = ScoreBoth(model, fileName);

        var scoreDiff = MaxDiff(expected.GetColumn<float>("Score"), actual["Score"].As<float>());
        Assert.True(scoreDiff < Tolerance, $"Score max abs diff {scoreDiff:E2}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{fileName}: Score max abs diff {scoreDiff:E2}");
    }

    private (IDataView Expected, DataBatch Actual) ScoreBoth(ITransformer model, string fileName)
    {
        using var predictor = Export(model, fileName);
        var batch = new DataBatch(
        [
            DataColumn.Of("A", _rows.Select(r => r.A).ToArray()),
            DataColumn.Of("B", _rows.Select(r => r.B).ToArray()),
            DataColumn.Of("C", _rows.Select(r => r.C).ToArray()),
            DataColumn.Of("V", _rows.SelectMany(r => r.V).ToArray(), [2]),
        ]);
        return (model.Transform(_data), predictor.Predict(batch));
    }

    private OnnxPredictor Export(ITransformer model, string fileName)
    {
        var path = Path.Combine(_dir.Path, fileName);
        OnnxExporter.Save(model, _data.Schema, path);
        OnnxChecker.AssertValid(path);
        return OnnxPredictor.Load(path);
    }

    private static double MaxDiff(IEnumerable<float> expected, float[] actual)
    {
        var expectedValues = expected.ToArray();
        Assert.Equal(expectedValues.Length, actual.Length);
        return expectedValues.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
    }
}
