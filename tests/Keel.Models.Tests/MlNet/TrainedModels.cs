using Keel.Testing;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.Tests.MlNet;

public sealed class HouseRow
{
    public float Size { get; set; }

    public float Age { get; set; }

    public string Color { get; set; } = "";

    [VectorType(3)]
    public float[] Extra { get; set; } = [];

    public bool Label { get; set; }
}

public sealed class HousePrediction
{
    public bool PredictedLabel { get; set; }

    public float Score { get; set; }

    public float Probability { get; set; }
}

public sealed class PriceRow
{
    [ColumnName("Measures")]
    [VectorType(4)]
    public float[] Values { get; set; } = [];

    public int Rooms { get; set; }

    public float Label { get; set; }
}

public sealed class PricePrediction
{
    public float Score { get; set; }
}

public sealed class FlowerRow
{
    [VectorType(2)]
    public float[] Petal { get; set; } = [];

    public string Label { get; set; } = "";
}

/// <summary>Small models trained on seeded synthetic data and saved with their input schema, one set per test class.</summary>
public sealed class TrainedModels : IDisposable
{
    private readonly TempDirectory _directory = new("keel-mlnet");

    public TrainedModels()
    {
        Context = new MLContext(seed: 7);
        Houses = MakeHouses(300, new Random(1));
        Prices = MakePrices(300, new Random(2));
        Flowers = MakeFlowers(300, new Random(3));

        var houses = Context.Data.LoadFromEnumerable(Houses);
        Binary = Context.Transforms.Categorical.OneHotEncoding("ColorVector", nameof(HouseRow.Color))
            .Append(Context.Transforms.Concatenate("Features", nameof(HouseRow.Size), nameof(HouseRow.Age), "ColorVector", nameof(HouseRow.Extra)))
            .Append(Context.BinaryClassification.Trainers.FastTree(numberOfLeaves: 4, numberOfTrees: 20, minimumExampleCountPerLeaf: 5))
            .Fit(houses);
        BinaryPath = Save(Binary, houses.Schema, "binary.zip");

        var prices = Context.Data.LoadFromEnumerable(Prices);
        Regression = Context.Transforms.Conversion.ConvertType("RoomsSingle", nameof(PriceRow.Rooms), DataKind.Single)
            .Append(Context.Transforms.Concatenate("Features", "Measures", "RoomsSingle"))
            .Append(Context.Regression.Trainers.Sdca(maximumNumberOfIterations: 20))
            .Fit(prices);
        RegressionPath = Save(Regression, prices.Schema, "regression.zip");

        var flowers = Context.Data.LoadFromEnumerable(Flowers);
        Multiclass = Context.Transforms.Conversion.MapValueToKey("Label")
            .Append(Context.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: nameof(FlowerRow.Petal), maximumNumberOfIterations: 20))
            .Fit(flowers);
        MulticlassPath = Save(Multiclass, flowers.Schema, "multiclass.zip");
    }

    public MLContext Context { get; }

    public IReadOnlyList<HouseRow> Houses { get; }

    public IReadOnlyList<PriceRow> Prices { get; }

    public IReadOnlyList<FlowerRow> Flowers { get; }

    public ITransformer Binary { get; }

    public ITransformer Regression { get; }

    public ITransformer Multiclass { get; }

    public string BinaryPath { get; }

    public string RegressionPath { get; }

    public string MulticlassPath { get; }

    public string Directory => _directory.Path;

    public void Dispose() => _directory.Dispose();

    private string Save(ITransformer model, DataViewSchema schema, string name)
    {
        var path = Path.Combine(_directory.Path, name);
        Context.Model.Save(model, schema, path);
        return path;
    }

    private static HouseRow[] MakeHouses(int count, Random random)
    {
        string[] colors = ["red", "green", "blue"];
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var size = (float)(random.NextDouble() * 200);
            var age = (float)(random.NextDouble() * 50);
            var color = colors[random.Next(colors.Length)];
            float[] extra = [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()];
            var value = size - (2 * age) + (color == "red" ? 30 : 0) + (40 * extra[0]) + (random.NextDouble() * 40);
            return new HouseRow { Size = size, Age = age, Color = color, Extra = extra, Label = value > 90 };
        })];
    }

    private static PriceRow[] MakePrices(int count, Random random) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            float[] values = [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()];
            var rooms = random.Next(1, 6);
            var label = (3 * values[0]) - values[1] + (0.5f * values[2]) + (0.2f * rooms) + (float)(random.NextDouble() * 0.1);
            return new PriceRow { Values = values, Rooms = rooms, Label = label };
        })];

    private static FlowerRow[] MakeFlowers(int count, Random random)
    {
        string[] species = ["setosa", "versicolor", "virginica"];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var kind = i % species.Length;
            float[] petal = [kind + (float)random.NextDouble(), (2 * kind) + (float)random.NextDouble()];
            return new FlowerRow { Petal = petal, Label = species[kind] };
        })];
    }
}
