using Keel.Core.Models;
using Keel.Models.Packages;
using Keel.Serving.Runtime;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.Serving.Tests.Grpc;

public sealed class FlowerRow
{
    public float SepalLength { get; set; }

    public float SepalWidth { get; set; }

    public float PetalLength { get; set; }

    public bool Label { get; set; }
}

/// <summary>Scores on a loaded package directly, as the serving runtime does without batching.</summary>
public sealed class PredictorScorer(LoadedModel model, ServedVersion version) : IModelScorer
{
    public ServedVersion? Current => version;

    public Task<ScoreResult> ScoreAsync(DataBatch input, CancellationToken ct = default) =>
        Task.FromResult(new ScoreResult(model.Predict(input), version));
}

/// <summary>
/// A FastTree binary classifier on three float features, trained on seeded data, logged as an ML.NET package,
/// loaded back and served as "iris-like" version 1 over gRPC. The tests compare the protocol's answers with
/// <see cref="LoadedModel.Predict"/> on the same package.
/// </summary>
public sealed class ServedModelFixture : IAsyncLifetime
{
    public const string ModelName = "iris-like";

    public static readonly string[] Features = [nameof(FlowerRow.SepalLength), nameof(FlowerRow.SepalWidth), nameof(FlowerRow.PetalLength)];

    private readonly TempDirectory _directory = new("keel-grpc");
    private GrpcTestHost? _host;

    public LoadedModel Model { get; private set; } = null!;

    public GrpcTestHost Host => _host ?? throw new InvalidOperationException("The fixture has not started.");

    public async ValueTask InitializeAsync()
    {
        var ml = new MLContext(seed: 11);
        var rows = Rows(200, new Random(5));
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Features", Features)
            .Append(ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 4, numberOfTrees: 20, minimumExampleCountPerLeaf: 5))
            .Fit(data);
        var packageDirectory = Path.Combine(_directory.Path, "model");
        ModelPackageWriter.WriteMlNet(packageDirectory, model, data.Schema, Batch(rows.Take(3)), new ModelPackageInfo());
        Model = ModelPackage.Load(packageDirectory);
        var version = new ServedVersion(ModelName, "1", Model.Flavor, Model.MlModel, Model.Inputs, Model.Outputs);
        _host = await GrpcTestHost.StartAsync(new PredictorScorer(Model, version));
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Model?.Dispose();
        _directory.Dispose();
    }

    public static FlowerRow[] Rows(int count, Random random) =>
    [
        .. Enumerable.Range(0, count).Select(_ =>
        {
            var row = new FlowerRow
            {
                SepalLength = (float)(4 + (random.NextDouble() * 4)),
                SepalWidth = (float)(2 + (random.NextDouble() * 2)),
                PetalLength = (float)(1 + (random.NextDouble() * 6)),
            };
            row.Label = row.PetalLength + (0.5 * row.SepalWidth) + random.NextDouble() > 5;
            return row;
        }),
    ];

    public static DataBatch Batch(IEnumerable<FlowerRow> rows)
    {
        var list = rows.ToList();
        return new DataBatch(
        [
            DataColumn.Of(nameof(FlowerRow.SepalLength), list.Select(r => r.SepalLength).ToArray()),
            DataColumn.Of(nameof(FlowerRow.SepalWidth), list.Select(r => r.SepalWidth).ToArray()),
            DataColumn.Of(nameof(FlowerRow.PetalLength), list.Select(r => r.PetalLength).ToArray()),
        ]);
    }
}
