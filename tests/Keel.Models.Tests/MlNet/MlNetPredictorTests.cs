using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Models.MlNet;
using Keel.Models.Typed;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.Tests.MlNet;

public sealed class MlNetPredictorTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    [Fact]
    public void Load_BinaryClassifier_InputsAreTheFeatureColumnsWithoutLabel()
    {
        using var predictor = MlNetPredictor.Load(models.BinaryPath);

        Assert.Equal("mlnet", predictor.Flavor);
        Assert.Equal(
            [
                ColumnSchema.Scalar("Size", DataType.Float32),
                ColumnSchema.Scalar("Age", DataType.Float32),
                ColumnSchema.Scalar("Color", DataType.String),
                new ColumnSchema("Extra", DataType.Float32, [3]),
            ],
            predictor.Inputs,
            SchemaComparer.Instance);
    }

    [Fact]
    public void Load_BinaryClassifier_OutputsAreThePredictionColumns()
    {
        using var predictor = MlNetPredictor.Load(models.BinaryPath);

        Assert.Equal(
            [
                ColumnSchema.Scalar("PredictedLabel", DataType.Boolean),
                ColumnSchema.Scalar("Score", DataType.Float32),
                ColumnSchema.Scalar("Probability", DataType.Float32),
            ],
            predictor.Outputs,
            SchemaComparer.Instance);
    }

    [Fact]
    public void Predict_BinaryClassifier_MatchesInMemoryModel()
    {
        using var predictor = MlNetPredictor.Load(models.BinaryPath);

        var output = predictor.Predict(HouseFeatures(models.Houses));

        var expected = InMemory<HouseRow, HousePrediction>(models.Binary, models.Houses);
        Assert.Equal(expected.Select(p => p.PredictedLabel), output["PredictedLabel"].As<bool>());
        Assert.Equal(expected.Select(p => p.Score), output["Score"].As<float>());
        Assert.Equal(expected.Select(p => p.Probability), output["Probability"].As<float>());
        Assert.Contains(true, output["PredictedLabel"].As<bool>());
        Assert.Contains(false, output["PredictedLabel"].As<bool>());
    }

    [Fact]
    public void Predict_RegressionWithVectorAndIntInputs_MatchesInMemoryModel()
    {
        using var predictor = MlNetPredictor.Load(models.RegressionPath);
        Assert.Equal(["Measures", "Rooms"], predictor.Inputs.Select(i => i.Name));
        Assert.Equal([ColumnSchema.Scalar("Score", DataType.Float32)], predictor.Outputs, SchemaComparer.Instance);

        var output = predictor.Predict(new DataBatch(
        [
            DataColumn.Of("Measures", models.Prices.SelectMany(p => p.Values).ToArray(), [4]),
            DataColumn.Of("Rooms", models.Prices.Select(p => p.Rooms).ToArray()),
        ]));

        Assert.Equal(InMemory<PriceRow, PricePrediction>(models.Regression, models.Prices).Select(p => p.Score), output["Score"].As<float>());
    }

    [Fact]
    public void Predict_MulticlassWithKeyLabel_ReturnsLabelValuesAndScoreVector()
    {
        using var predictor = MlNetPredictor.Load(models.MulticlassPath);
        // The pipeline maps Label to a key, so by the schema rule it is required.
        Assert.Equal(["Petal", "Label"], predictor.Inputs.Select(i => i.Name));
        Assert.Equal(
            [ColumnSchema.Scalar("PredictedLabel", DataType.String), new ColumnSchema("Score", DataType.Float32, [3])],
            predictor.Outputs,
            SchemaComparer.Instance);

        var output = predictor.Predict(DataBatchConvert.FromObjects(models.Flowers));

        var scored = models.Multiclass.Transform(models.Context.Data.LoadFromEnumerable(models.Flowers));
        var labels = models.Context.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored).Transform(scored);
        Assert.Equal(labels.GetColumn<string>("PredictedLabel"), output["PredictedLabel"].As<string>());
        Assert.Equal(scored.GetColumn<float[]>("Score").SelectMany(s => s), output["Score"].As<float>());
        Assert.Equal([3], output["Score"].RowShape);
    }

    [Fact]
    public async Task Predict_ParallelCalls_GiveTheSameResults()
    {
        using var predictor = MlNetPredictor.Load(models.BinaryPath);
        var input = HouseFeatures(models.Houses);
        var expected = predictor.Predict(input)["Probability"].As<float>();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => predictor.Predict(input))));

        Assert.All(results, r => Assert.Equal(expected, r["Probability"].As<float>()));
    }

    [Fact]
    public void Predict_EmptyBatch_ReturnsEmptyOutputColumns()
    {
        using var predictor = MlNetPredictor.Load(models.BinaryPath);

        var output = predictor.Predict(HouseFeatures([]));

        Assert.Equal(0, output.RowCount);
        Assert.Equal(["PredictedLabel", "Score", "Probability"], output.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Predict_MissingColumn_ThrowsNamingTheColumn()
    {
        using var predictor = MlNetPredictor.Load(models.BinaryPath);
        var input = HouseFeatures(models.Houses);

        var error = Assert.Throws<KeelException>(() => predictor.Predict(new DataBatch([.. input.Columns.Where(c => c.Name != "Age")])));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'Age'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float32 scalar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_WrongType_ThrowsNamingTheColumnAndBothTypes()
    {
        using var predictor = MlNetPredictor.Load(models.BinaryPath);
        var input = HouseFeatures(models.Houses);
        var sizes = DataColumn.Of("Size", models.Houses.Select(h => (double)h.Size).ToArray());

        var error = Assert.Throws<KeelException>(() => predictor.Predict(Replace(input, sizes)));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'Size'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float32", error.Message, StringComparison.Ordinal);
        Assert.Contains("Float64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predict_WrongVectorSize_ThrowsNamingTheColumnAndBothSizes()
    {
        using var predictor = MlNetPredictor.Load(models.BinaryPath);
        var input = HouseFeatures(models.Houses);
        var extra = DataColumn.Of("Extra", models.Houses.SelectMany(h => h.Extra.Take(2)).ToArray(), [2]);

        var error = Assert.Throws<KeelException>(() => predictor.Predict(Replace(input, extra)));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'Extra'", error.Message, StringComparison.Ordinal);
        Assert.Contains("vector of 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("vector of 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNotFound()
    {
        var error = Assert.Throws<KeelException>(() => MlNetPredictor.Load(Path.Combine(models.Directory, "absent.zip")));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public void Load_ModelSavedWithoutSchema_ThrowsNamingTheFix()
    {
        var path = Path.Combine(models.Directory, "no-schema.zip");
        models.Context.Model.Save(models.Regression, null, path);

        var error = Assert.Throws<KeelException>(() => MlNetPredictor.Load(path));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("input schema", error.Message, StringComparison.Ordinal);
    }

    private static DataBatch HouseFeatures(IReadOnlyList<HouseRow> houses) => new(
    [
        DataColumn.Of("Size", houses.Select(h => h.Size).ToArray()),
        DataColumn.Of("Age", houses.Select(h => h.Age).ToArray()),
        DataColumn.Of("Color", houses.Select(h => h.Color).ToArray()),
        DataColumn.Of("Extra", houses.SelectMany(h => h.Extra).ToArray(), [3]),
    ]);

    private static DataBatch Replace(DataBatch batch, DataColumn column) =>
        new([.. batch.Columns.Select(c => c.Name == column.Name ? column : c)]);

    private List<TOut> InMemory<TIn, TOut>(ITransformer model, IEnumerable<TIn> rows)
        where TIn : class
        where TOut : class, new() =>
        [.. models.Context.Data.CreateEnumerable<TOut>(model.Transform(models.Context.Data.LoadFromEnumerable(rows)), reuseRowObject: false)];
}

/// <summary>Compares schemas by value, including the row shape list.</summary>
internal sealed class SchemaComparer : IEqualityComparer<ColumnSchema>
{
    public static readonly SchemaComparer Instance = new();

    public bool Equals(ColumnSchema? x, ColumnSchema? y) =>
        x is not null && y is not null && x.Name == y.Name && x.Type == y.Type && x.RowShape.SequenceEqual(y.RowShape);

    public int GetHashCode(ColumnSchema obj) => HashCode.Combine(obj.Name, obj.Type, obj.RowShape.Count);
}
