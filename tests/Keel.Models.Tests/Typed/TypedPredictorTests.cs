using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.MlNet;
using Keel.Models.Tests.MlNet;
using Keel.Models.Typed;
using Microsoft.ML.Data;

namespace Keel.Models.Tests.Typed;

public sealed class TypedPredictorTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    internal sealed class HouseInput
    {
        [ColumnName("Size")]
        public float Area { get; set; }

        // A field on purpose: fields map to columns like properties.
        public float Age;

        public string Color { get; set; } = "";

        [VectorType(3)]
        public float[] Extra { get; set; } = [];

        [NoColumn]
        public string Note { get; set; } = "ignored";
    }

    public sealed class HouseOutput
    {
        [ColumnName("PredictedLabel")]
        public bool IsExpensive { get; set; }

        public float Probability { get; set; }

        public string Unmatched { get; set; } = "default";
    }

    public sealed class PriceOutput
    {
        public float Score { get; set; }
    }

    public sealed class BadHouseOutput
    {
        public double Probability { get; set; }
    }

    public sealed class FlowerOutput
    {
        public string PredictedLabel { get; set; } = "";

        public float[] Score { get; set; } = [];
    }

    [Fact]
    public void Predict_BinaryClassifier_MatchesTheUntypedPredictor()
    {
        using var inner = MlNetPredictor.Load(models.BinaryPath);
        var typed = new TypedPredictor<HouseInput, HouseOutput>(inner);

        var outputs = typed.Predict(models.Houses.Select(ToInput));

        var untyped = inner.Predict(DataBatchConvert.FromObjects(models.Houses));
        Assert.Equal(untyped["PredictedLabel"].As<bool>(), outputs.Select(o => o.IsExpensive));
        Assert.Equal(untyped["Probability"].As<float>(), outputs.Select(o => o.Probability));
        Assert.All(outputs, o => Assert.Equal("default", o.Unmatched));
    }

    [Fact]
    public void Predict_SingleRow_MatchesTheBatch()
    {
        using var inner = MlNetPredictor.Load(models.BinaryPath);
        var typed = new TypedPredictor<HouseInput, HouseOutput>(inner);
        var inputs = models.Houses.Take(5).Select(ToInput).ToList();

        var batch = typed.Predict(inputs);

        Assert.Equal(batch.Select(o => o.Probability), inputs.Select(i => typed.Predict(i).Probability));
    }

    [Fact]
    public void Predict_RegressionWithRenamedVectorMember_MatchesTheUntypedPredictor()
    {
        using var inner = MlNetPredictor.Load(models.RegressionPath);
        var typed = new TypedPredictor<PriceRow, PriceOutput>(inner);

        var outputs = typed.Predict(models.Prices);

        var untyped = inner.Predict(DataBatchConvert.FromObjects(models.Prices));
        Assert.Equal(untyped["Score"].As<float>(), outputs.Select(o => o.Score));
    }

    [Fact]
    public void Predict_MulticlassScoreVector_FillsArrayMember()
    {
        using var inner = MlNetPredictor.Load(models.MulticlassPath);
        var typed = new TypedPredictor<FlowerRow, FlowerOutput>(inner);

        var outputs = typed.Predict(models.Flowers);

        Assert.All(outputs, o => Assert.Equal(3, o.Score.Length));
        Assert.Equal(inner.Predict(DataBatchConvert.FromObjects(models.Flowers))["PredictedLabel"].As<string>(), outputs.Select(o => o.PredictedLabel));
        // The classes are well apart, so the label values must come back as species names, mostly right.
        Assert.True(outputs.Zip(models.Flowers).Count(p => p.First.PredictedLabel == p.Second.Label) > models.Flowers.Count * 0.8);
    }

    [Fact]
    public void Predict_EmptyInput_ReturnsNoRows()
    {
        using var inner = MlNetPredictor.Load(models.BinaryPath);

        Assert.Empty(new TypedPredictor<HouseInput, HouseOutput>(inner).Predict([]));
    }

    [Fact]
    public void Constructor_OutputMemberOfAnotherType_ThrowsNamingColumnAndMember()
    {
        using var inner = MlNetPredictor.Load(models.BinaryPath);

        var error = Assert.Throws<KeelException>(() => new TypedPredictor<HouseInput, BadHouseOutput>(inner));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'Probability'", error.Message, StringComparison.Ordinal);
        Assert.Contains("BadHouseOutput.Probability", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float32", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromObjects_ColumnNameAndVectorType_BuildColumns()
    {
        var batch = DataBatchConvert.FromObjects([new HouseInput { Area = 120, Age = 3, Color = "red", Extra = [1, 2, 3] }]);

        Assert.Equal(["Size", "Color", "Extra", "Age"], batch.Columns.Select(c => c.Name));
        Assert.Equal([120f], batch["Size"].As<float>());
        Assert.Equal([3f], batch["Age"].As<float>());
        Assert.Equal(["red"], batch["Color"].As<string>());
        Assert.Equal([3], batch["Extra"].RowShape);
        Assert.Equal([1f, 2f, 3f], batch["Extra"].As<float>());
    }

    [Fact]
    public void FromObjects_ArrayOfTheWrongLength_ThrowsNamingTheColumn()
    {
        var error = Assert.Throws<KeelException>(() =>
            DataBatchConvert.FromObjects([new HouseInput { Extra = [1, 2, 3] }, new HouseInput { Extra = [1, 2] }]));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'Extra'", error.Message, StringComparison.Ordinal);
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToObjects_ColumnOfAnotherType_ThrowsNamingColumnAndMember()
    {
        var batch = new DataBatch([DataColumn.Of("PredictedLabel", new[] { 1, 0 })]);

        var error = Assert.Throws<KeelException>(() => DataBatchConvert.ToObjects<HouseOutput>(batch));

        Assert.Contains("'PredictedLabel'", error.Message, StringComparison.Ordinal);
        Assert.Contains("HouseOutput.IsExpensive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToObjects_VectorColumnIntoScalarMember_ThrowsNamingColumnAndMember()
    {
        var batch = new DataBatch([DataColumn.Of("Probability", new[] { 0.1f, 0.9f }, [2])]);

        var error = Assert.Throws<KeelException>(() => DataBatchConvert.ToObjects<HouseOutput>(batch));

        Assert.Contains("'Probability'", error.Message, StringComparison.Ordinal);
        Assert.Contains("vector of 2", error.Message, StringComparison.Ordinal);
    }

    private static HouseInput ToInput(HouseRow row) =>
        new() { Area = row.Size, Age = row.Age, Color = row.Color, Extra = row.Extra };
}
