using Keel.Client;
using Keel.Client.Models;
using Keel.Core.Models;
using Keel.Models.Packages;
using Microsoft.ML;

namespace Keel.Serving.Tests.Support;

/// <summary>One row of the seeded binary problem the serving tests score.</summary>
public sealed class PatientRow
{
    public float Age { get; set; }

    public float Dose { get; set; }

    public float Marker { get; set; }

    public bool Label { get; set; }
}

/// <summary>
/// Two small, distinguishable ML.NET binary classifiers over the same three float columns (Age, Dose, Marker):
/// version 1 learns "high Age and Dose", version 2 the opposite rule, so their probabilities for the same row are
/// far apart. Both are trained once per process on seeded data. Use <see cref="WritePackage"/> for a local package
/// (no server), <see cref="RegisterAsync"/> to log and register them as versions 1 and 2 of a model on a Keel
/// server, and <see cref="RegisterPickleOnlyAsync"/> for a version Keel cannot load.
/// </summary>
public static class ServingModels
{
    public static readonly string[] Features = [nameof(PatientRow.Age), nameof(PatientRow.Dose), nameof(PatientRow.Marker)];

    private static readonly Lazy<(ITransformer Model, DataViewSchema Schema)> First = new(() => Train(variant: 1));
    private static readonly Lazy<(ITransformer Model, DataViewSchema Schema)> Second = new(() => Train(variant: 2));

    /// <summary>Seeded rows; the label follows version 1's rule.</summary>
    public static PatientRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return
        [
            .. Enumerable.Range(0, count).Select(_ =>
            {
                var row = new PatientRow
                {
                    Age = (float)(random.NextDouble() * 10),
                    Dose = (float)(random.NextDouble() * 5),
                    Marker = (float)random.NextDouble(),
                };
                row.Label = row.Age + (2 * row.Dose) - (3 * row.Marker) + random.NextDouble() > 9;
                return row;
            }),
        ];
    }

    /// <summary>The rows as a batch of the three feature columns.</summary>
    public static DataBatch Batch(IEnumerable<PatientRow> rows)
    {
        var list = rows.ToList();
        return new DataBatch(
        [
            DataColumn.Of(nameof(PatientRow.Age), list.Select(r => r.Age).ToArray()),
            DataColumn.Of(nameof(PatientRow.Dose), list.Select(r => r.Dose).ToArray()),
            DataColumn.Of(nameof(PatientRow.Marker), list.Select(r => r.Marker).ToArray()),
        ]);
    }

    /// <summary>The trained model of <paramref name="version"/> (1 or 2) and the schema it reads.</summary>
    public static (ITransformer Model, DataViewSchema Schema) Model(int version) => version switch
    {
        1 => First.Value,
        2 => Second.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Only versions 1 and 2 exist."),
    };

    /// <summary>Writes <paramref name="version"/>'s <c>mlnet</c> package (with a three-row input example) into <paramref name="directory"/>.</summary>
    public static void WritePackage(string directory, int version)
    {
        var (model, schema) = Model(version);
        ModelPackageWriter.WriteMlNet(directory, model, schema, Batch(Rows(3, seed: 99)), new ModelPackageInfo());
    }

    /// <summary>Writes an MLmodel whose only flavors are pickles: a package Keel refuses to load (INVALID_STATE).</summary>
    public static void WritePickleOnlyPackage(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "MLmodel"), """
            flavors:
              python_function:
                loader_module: mlflow.sklearn
                model_path: model.pkl
              sklearn:
                pickled_model: model.pkl
                serialization_format: cloudpickle
            """);
        File.WriteAllBytes(Path.Combine(directory, "model.pkl"), [0x80, 0x04]);
    }

    /// <summary>
    /// Logs both models (each in its own run, with an input example and, when <paramref name="exportOnnx"/>, an
    /// <c>onnx</c> flavor that loading prefers) and registers them as versions 1 and 2 of <paramref name="name"/>.
    /// </summary>
    public static async Task RegisterAsync(KeelClient client, string name, bool exportOnnx = true, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        for (var version = 1; version <= 2; version++)
        {
            var (model, schema) = Model(version);
            await using var run = await client.StartRunAsync(runName: $"serving-v{version}", ct: ct);
            await run.LogModelAsync(model, schema, new LogModelOptions
            {
                RegisteredModelName = name,
                InputExample = Batch(Rows(3, seed: 99)),
                ExportOnnx = exportOnnx,
            }, ct);
        }
    }

    /// <summary>Logs a pickle-only package and registers it as the next version of <paramref name="name"/> (which must exist); returns that version.</summary>
    public static async Task<long> RegisterPickleOnlyAsync(KeelClient client, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        await using var run = await client.StartRunAsync(runName: "pickle-only", ct: ct);
        var directory = Directory.CreateTempSubdirectory("keel-pickle-");
        try
        {
            WritePickleOnlyPackage(directory.FullName);
            await run.LogArtifactsAsync(directory.FullName, "model", ct);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
        var created = await client.CreateModelVersionAsync(name, $"runs:/{run.RunId}/model", run.RunId, ct: ct);
        return long.Parse(created.Version, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (ITransformer Model, DataViewSchema Schema) Train(int variant)
    {
        var ml = new MLContext(seed: 7);
        var rows = Rows(400, seed: 11);
        if (variant == 2)
        {
            rows = [.. rows.Select(r => new PatientRow { Age = r.Age, Dose = r.Dose, Marker = r.Marker, Label = !r.Label })];
        }
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Features", Features)
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        return (model, data.Schema);
    }
}
