using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.Tests.Packages;

public sealed class TumourRow
{
    public float Radius { get; set; }

    public float Texture { get; set; }

    public float Smoothness { get; set; }

    public bool Label { get; set; }
}

/// <summary>A seeded three-feature binary problem and the models the package tests log: FastTree and logistic regression.</summary>
internal static class PackageModels
{
    public static readonly string[] Features = [nameof(TumourRow.Radius), nameof(TumourRow.Texture), nameof(TumourRow.Smoothness)];

    public static TumourRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return
        [
            .. Enumerable.Range(0, count).Select(_ =>
            {
                var row = new TumourRow
                {
                    Radius = (float)(random.NextDouble() * 10),
                    Texture = (float)(random.NextDouble() * 5),
                    Smoothness = (float)random.NextDouble(),
                };
                row.Label = row.Radius + (2 * row.Texture) - (3 * row.Smoothness) + (random.NextDouble() * 2) > 9;
                return row;
            }),
        ];
    }

    public static (ITransformer Model, DataViewSchema InputSchema) FastTree(MLContext ml, TumourRow[] rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Features", Features)
            .Append(ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 4, numberOfTrees: 30, minimumExampleCountPerLeaf: 5))
            .Fit(data);
        return (model, data.Schema);
    }

    public static (ITransformer Model, DataViewSchema InputSchema) Logistic(MLContext ml, TumourRow[] rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Features", Features)
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        return (model, data.Schema);
    }

    public static DataBatch Batch(IEnumerable<TumourRow> rows)
    {
        var list = rows.ToList();
        return new DataBatch(
        [
            DataColumn.Of(nameof(TumourRow.Radius), list.Select(r => r.Radius).ToArray()),
            DataColumn.Of(nameof(TumourRow.Texture), list.Select(r => r.Texture).ToArray()),
            DataColumn.Of(nameof(TumourRow.Smoothness), list.Select(r => r.Smoothness).ToArray()),
        ]);
    }

    /// <summary>What ML.NET itself predicts for the rows, in memory.</summary>
    public static (float[] Scores, float[] Probabilities, bool[] Labels) InMemory(MLContext ml, ITransformer model, IEnumerable<TumourRow> rows)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        return (
            [.. scored.GetColumn<float>("Score")],
            [.. scored.GetColumn<float>("Probability")],
            [.. scored.GetColumn<bool>("PredictedLabel")]);
    }
}
