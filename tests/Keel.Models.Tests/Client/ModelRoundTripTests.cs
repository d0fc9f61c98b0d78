using Keel.Client;
using Keel.Client.Models;
using Keel.Contracts.Mlflow;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Models.Tests.Onnx;
using Keel.Models.Tests.Packages;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.Models.Tests.Client;

public sealed class TumourPrediction
{
    public bool PredictedLabel { get; set; }

    public float Score { get; set; }

    public float Probability { get; set; }
}

/// <summary>The SDK's model helpers against a real Keel server: log, register, load by alias, score.</summary>
public sealed class ModelRoundTripTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private readonly MLContext _ml = new(seed: 5);
    private readonly TumourRow[] _train = PackageModels.Rows(400, seed: 11);
    private readonly TumourRow[] _test = PackageModels.Rows(500, seed: 12);
    private KeelClient Client => fixture.Client;

    [Fact]
    public async Task A_logged_and_registered_ML_NET_model_loads_by_alias_and_predicts_exactly_as_in_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"tumours-{Guid.NewGuid():N}";
        var (model, schema) = PackageModels.FastTree(_ml, _train);
        await using var run = await Client.StartRunAsync(runName: "fasttree", ct: ct);

        var logged = await run.LogModelAsync(model, schema, new LogModelOptions
        {
            RegisteredModelName = name,
            InputExample = PackageModels.Batch(_test.Take(3)),
        }, ct);
        await Client.SetRegisteredModelAliasAsync(name, "champion", 1, ct);
        using var loaded = await Client.LoadModelAsync<TumourRow, TumourPrediction>($"models:/{name}@champion", ct);
        var predictions = loaded.Predict(_test);

        Assert.Equal($"runs:/{run.RunId}/model", logged.ModelUri);
        Assert.Equal("1", logged.RegisteredVersion!.Version);
        Assert.Equal(run.RunId, logged.RegisteredVersion.RunId);
        Assert.Equal("mlnet", loaded.Model.Flavor);
        Assert.Equal(run.RunId, loaded.Model.MlModel.RunId);
        var expected = PackageModels.InMemory(_ml, model, _test);
        Assert.Equal(expected.Scores, predictions.Select(p => p.Score));
        Assert.Equal(expected.Probabilities, predictions.Select(p => p.Probability));
        Assert.Equal(expected.Labels, predictions.Select(p => p.PredictedLabel));
    }

    [Fact]
    public async Task Logging_with_ONNX_export_adds_a_checked_onnx_flavor_that_loading_prefers()
    {
        var ct = TestContext.Current.CancellationToken;
        var (model, schema) = PackageModels.Logistic(_ml, _train);
        await using var run = await Client.StartRunAsync(runName: "logistic", ct: ct);

        var logged = await run.LogModelAsync(model, schema, new LogModelOptions
        {
            ArtifactPath = "classifier",
            InputExample = PackageModels.Batch(_test.Take(5)),
            ExportOnnx = true,
        }, ct);
        using var loaded = await Client.LoadModelAsync(logged.ModelUri, ct);
        var directory = loaded.Directory;
        var predicted = loaded.Predict(PackageModels.Batch(_test))["Probability"].As<float>();
        loaded.Dispose();

        Assert.Contains("onnx", logged.MlModel.Flavors.Keys);
        Assert.Equal("onnx", loaded.Flavor);
        var expected = PackageModels.InMemory(_ml, model, _test).Probabilities;
        Assert.All(Enumerable.Range(0, _test.Length), i => Assert.True(Math.Abs(expected[i] - predicted[i]) <= 1e-5, $"row {i}"));
        Assert.False(Directory.Exists(directory), "the downloaded copy is deleted with the model");
    }

    [Fact]
    public async Task An_ONNX_file_logged_with_its_signature_loads_back_and_enforces_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"onnx-{Guid.NewGuid():N}";
        using var scratch = new TempDirectory("keel-onnx-log");
        var onnxFile = Path.Combine(scratch.Path, "logistic.onnx");
        await File.WriteAllBytesAsync(onnxFile, KnownOnnxModels.LogisticRegression(), ct);
        var signature = new ModelSignature(
            SignatureSchema.OfTensors([new TensorSpec("features", "float32", [-1, 3])]),
            SignatureSchema.OfTensors([new TensorSpec("score", "float32", [-1, 1]), new TensorSpec("probability", "float32", [-1, 1])]));
        await using var run = await Client.StartRunAsync(runName: "onnx", ct: ct);

        var logged = await run.LogOnnxModelAsync(onnxFile, signature, new LogModelOptions { RegisteredModelName = name }, ct);
        using var loaded = await Client.LoadModelAsync($"models:/{name}/1", ct);
        float[] rows = [1f, 2f, 3f, -4f, 0.5f, 0.25f];
        var probabilities = loaded.Predict(new DataBatch([DataColumn.Of("features", rows, [3])]))["probability"].As<float>();
        var wrongShape = Assert.Throws<KeelException>(() => loaded.Predict(new DataBatch([DataColumn.Of("features", rows, [2])])));

        Assert.Equal(signature.Inputs!.ToJson(), logged.MlModel.Signature!.Inputs!.ToJson());
        Assert.Equal("onnx", loaded.Flavor);
        for (var row = 0; row < 2; row++)
        {
            var (_, expected) = KnownOnnxModels.LogisticExpected(rows.AsSpan(row * 3, 3));
            Assert.True(Math.Abs(expected - probabilities[row]) <= 1e-5, $"row {row}: {expected} vs {probabilities[row]}");
        }

        Assert.Contains("features", wrongShape.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loading_an_unknown_alias_or_a_pickled_model_fails_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"pickled-{Guid.NewGuid():N}";
        await using var run = await Client.StartRunAsync(runName: "sklearn", ct: ct);
        using var package = new TempDirectory("keel-pickle");
        await File.WriteAllTextAsync(Path.Combine(package.Path, "MLmodel"), """
            flavors:
              python_function:
                loader_module: mlflow.sklearn
                model_path: model.pkl
              sklearn:
                pickled_model: model.pkl
                serialization_format: cloudpickle
            """, ct);
        await File.WriteAllBytesAsync(Path.Combine(package.Path, "model.pkl"), [0x80, 0x04], ct);
        await run.LogArtifactsAsync(package.Path, "model", ct);
        await Client.CreateRegisteredModelAsync(name, ct: ct);
        await Client.CreateModelVersionAsync(name, $"runs:/{run.RunId}/model", run.RunId, ct: ct);

        var unknownAlias = await Assert.ThrowsAsync<KeelApiException>(() => Client.LoadModelAsync($"models:/{name}@nope", ct));
        var pickled = await Assert.ThrowsAsync<KeelException>(() => Client.LoadModelAsync($"models:/{name}/1", ct));

        Assert.Equal(ErrorCodes.ResourceDoesNotExist, unknownAlias.ErrorCode);
        Assert.Equal(ErrorCode.InvalidState, pickled.Code);
        Assert.Contains("ONNX", pickled.Message, StringComparison.Ordinal);
    }
}
