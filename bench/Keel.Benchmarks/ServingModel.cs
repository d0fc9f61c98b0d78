using System.Globalization;
using System.Text;
using Keel.Core.Models;
using Keel.Models.Packages;
using Keel.Serving.Runtime;
using Microsoft.ML;

namespace Keel.Benchmarks;

/// <summary>One row of the seeded binary problem the serving benchmark scores; ML.NET reads the property names as columns.</summary>
internal sealed class ServingRow
{
    public float Age { get; set; }

    public float Dose { get; set; }

    public float Marker { get; set; }

    public float Weight { get; set; }

    public bool Label { get; set; }
}

/// <summary>
/// The served model: an ML.NET logistic regression over four float columns, written as an <c>mlnet</c> package
/// with an input example, then exported to ONNX (the flavor serving prefers), and the request bodies that score it.
/// </summary>
internal static class ServingModel
{
    public static readonly string[] Features = [nameof(ServingRow.Age), nameof(ServingRow.Dose), nameof(ServingRow.Marker), nameof(ServingRow.Weight)];

    /// <summary>Trains the model and writes its package into <paramref name="directory"/>; returns the flavor serving will load.</summary>
    public static string WritePackage(string directory)
    {
        var ml = new MLContext(seed: 7);
        var data = ml.Data.LoadFromEnumerable(Rows(1000, seed: 11));
        var model = ml.Transforms.Concatenate("Features", Features)
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        ModelPackageWriter.WriteMlNet(directory, model, data.Schema, Batch(Rows(3, seed: 99)), new ModelPackageInfo());
        ModelPackageWriter.AddOnnxFlavor(directory);
        using var loaded = ModelPackage.Load(directory);
        return loaded.Flavor;
    }

    /// <summary><paramref name="count"/> distinct bodies of <paramref name="rows"/> rows each, in MLflow's <c>dataframe_split</c> orientation.</summary>
    public static byte[][] Bodies(int count, int rows) =>
        [.. Enumerable.Range(0, count).Select(i => Body(Rows(rows, seed: 1000 + i)))];

    private static byte[] Body(IEnumerable<ServingRow> rows)
    {
        var json = new StringBuilder("{\"dataframe_split\":{\"columns\":[")
            .AppendJoin(',', Features.Select(f => $"\"{f}\""))
            .Append("],\"data\":[");
        var first = true;
        foreach (var row in rows)
        {
            json.Append(first ? "[" : ",[").AppendJoin(',', new[] { row.Age, row.Dose, row.Marker, row.Weight }
                .Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append(']');
            first = false;
        }
        return Encoding.UTF8.GetBytes(json.Append("]}}").ToString());
    }

    private static ServingRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return
        [
            .. Enumerable.Range(0, count).Select(_ =>
            {
                var row = new ServingRow
                {
                    Age = (float)(random.NextDouble() * 80),
                    Dose = (float)(random.NextDouble() * 5),
                    Marker = (float)random.NextDouble(),
                    Weight = (float)(40 + (random.NextDouble() * 80)),
                };
                row.Label = (row.Age / 10) + (2 * row.Dose) - (3 * row.Marker) + (row.Weight / 40) + random.NextDouble() > 12;
                return row;
            }),
        ];
    }

    private static DataBatch Batch(ServingRow[] rows) => new(
    [
        DataColumn.Of(nameof(ServingRow.Age), rows.Select(r => r.Age).ToArray()),
        DataColumn.Of(nameof(ServingRow.Dose), rows.Select(r => r.Dose).ToArray()),
        DataColumn.Of(nameof(ServingRow.Marker), rows.Select(r => r.Marker).ToArray()),
        DataColumn.Of(nameof(ServingRow.Weight), rows.Select(r => r.Weight).ToArray()),
    ]);
}

/// <summary>One package directory on disk, served as version 1; every load reads the directory in place.</summary>
internal sealed class ServingModelSource(string packageDirectory) : IModelSource
{
    public Task<ModelVersionRef> ResolveAsync(CancellationToken ct = default) =>
        Task.FromResult(new ModelVersionRef("bench", "1", new Uri(packageDirectory).AbsoluteUri));

    public Task<LoadedModel> LoadAsync(ModelVersionRef version, CancellationToken ct = default) =>
        Task.FromResult(ModelPackage.Load(packageDirectory));
}
