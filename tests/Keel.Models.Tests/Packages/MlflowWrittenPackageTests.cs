using Keel.Core.Models;
using Keel.Core.Models.Packages;
using Keel.Models.Packages;
using Keel.Models.Tests.Onnx;
using Keel.Testing;

namespace Keel.Models.Tests.Packages;

/// <summary>
/// A package exactly as MLflow writes it: the MLmodel and input example below were produced by MLflow 2.10.2's
/// onnx flavor (<c>mlflow.onnx.log_model(model, "model", signature=infer_signature(X, outputs), input_example=X)</c>,
/// onnx 1.12) on 2026-11-23, for the same graph as <see cref="KnownOnnxModels.LogisticRegression"/>.
/// </summary>
public sealed class MlflowWrittenPackageTests : IDisposable
{
    private const string MlflowMlModel = """
        artifact_path: model
        flavors:
          onnx:
            code: null
            data: model.onnx
            onnx_session_options: null
            onnx_version: 1.12.0
            providers:
            - CUDAExecutionProvider
            - CPUExecutionProvider
          python_function:
            data: model.onnx
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.onnx
            python_version: 3.11.2
        mlflow_version: 2.10.2
        model_size_bytes: 285
        model_uuid: 550bbc18fe7f45bd9987faff04b6834d
        run_id: 10201a280ec14ab18db7b0f2ad7f23b8
        saved_input_example_info:
          artifact_path: input_example.json
          format: tf-serving
          type: ndarray
        signature:
          inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'
          outputs: '[{"name": "score", "type": "tensor", "tensor-spec": {"dtype": "float32",
            "shape": [-1, 1]}}, {"name": "probability", "type": "tensor", "tensor-spec": {"dtype":
            "float32", "shape": [-1, 1]}}]'
          params: null
        utc_time_created: '2026-11-23 20:41:17.978381'

        """;

    private const string MlflowInputExample = """{"inputs": [[1.0, 2.0, 3.0], [-0.5, 0.25, 4.0], [0.0, 0.0, 0.0]]}""";

    private readonly TempDirectory _directory = new("keel-mlflow-written");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Load_MlflowOnnxPackage_ScoresLikeTheGraphsArithmetic()
    {
        var package = WritePackage();
        float[] rows = [1f, 2f, 3f, -0.5f, 0.25f, 4f, 0f, 0f, 0f, 10f, -3f, 0.5f];

        using var loaded = ModelPackage.Load(package);
        var predicted = loaded.Predict(new DataBatch([DataColumn.Of("features", rows, [3])]));

        Assert.Equal("onnx", loaded.Flavor);
        Assert.Equal(["features"], loaded.Inputs.Select(i => i.Name));
        var scores = predicted["score"].As<float>();
        var probabilities = predicted["probability"].As<float>();
        for (var row = 0; row < rows.Length / 3; row++)
        {
            var (score, probability) = KnownOnnxModels.LogisticExpected(rows.AsSpan(row * 3, 3));
            Assert.True(Math.Abs(score - scores[row]) <= 1e-5, $"row {row}: score {score} vs {scores[row]}");
            Assert.True(Math.Abs(probability - probabilities[row]) <= 1e-5, $"row {row}: probability {probability} vs {probabilities[row]}");
        }
    }

    [Fact]
    public void ReadMlModel_MlflowOnnxPackage_ReadsFlavorsSignatureAndInputExampleInfo()
    {
        var mlModel = ModelPackage.ReadMlModel(WritePackage());

        Assert.Equal(("model", "10201a280ec14ab18db7b0f2ad7f23b8", "2.10.2"), (mlModel.ArtifactPath, mlModel.RunId, mlModel.MlflowVersion));
        Assert.Equal(("550bbc18fe7f45bd9987faff04b6834d", 285L), (mlModel.ModelUuid, mlModel.ModelSizeBytes));
        Assert.True(MlModel.TryParseUtcTime(mlModel.UtcTimeCreated, out var created));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 20, 41, 17, TimeSpan.Zero).AddTicks(9_783_810), created);
        Assert.Equal(["onnx", "python_function"], mlModel.Flavors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("model.onnx", mlModel.GetString("onnx", "data"));
        Assert.Equal("1.12.0", mlModel.GetString("onnx", "onnx_version"));
        Assert.Equal(new object?[] { "CUDAExecutionProvider", "CPUExecutionProvider" }, Assert.IsAssignableFrom<IEnumerable<object?>>(mlModel.GetFlavor("onnx")!["providers"]));
        Assert.Null(mlModel.GetFlavor("onnx")!["onnx_session_options"]);
        Assert.Equal("mlflow.onnx", mlModel.GetString("python_function", "loader_module"));
        Assert.Equal("model.onnx", mlModel.GetString("python_function", "data"));

        var input = Assert.Single(mlModel.Signature!.Inputs!.Tensors);
        Assert.Equal(new TensorSpec(null, "float32", [-1, 3]), input);
        Assert.Equal(
            [new TensorSpec("score", "float32", [-1, 1]), new TensorSpec("probability", "float32", [-1, 1])],
            mlModel.Signature.Outputs!.Tensors);
        Assert.Null(mlModel.Signature.Params);

        Assert.Equal("input_example.json", mlModel.SavedInputExampleInfo!["artifact_path"]);
        Assert.Equal("ndarray", mlModel.SavedInputExampleInfo["type"]);
        Assert.Equal("tf-serving", mlModel.SavedInputExampleInfo["format"]);
    }

    [Fact]
    public void ToYaml_MlflowMlModel_RoundTripsEveryField()
    {
        var parsed = MlModel.Parse(MlflowMlModel);

        var yaml = parsed.ToYaml();
        var again = MlModel.Parse(yaml);

        Assert.Equal(yaml, again.ToYaml());
        Assert.Equal(
            (parsed.ArtifactPath, parsed.RunId, parsed.ModelUuid, parsed.UtcTimeCreated, parsed.ModelSizeBytes, parsed.MlflowVersion),
            (again.ArtifactPath, again.RunId, again.ModelUuid, again.UtcTimeCreated, again.ModelSizeBytes, again.MlflowVersion));
        Assert.Equal(parsed.Signature, again.Signature);
        Assert.Equal(parsed.Flavors.Keys, again.Flavors.Keys);
        foreach (var (flavor, configuration) in parsed.Flavors)
        {
            Assert.Equal(configuration.Keys.Order(StringComparer.Ordinal), again.Flavors[flavor].Keys.Order(StringComparer.Ordinal));
            Assert.All(configuration, entry => Assert.Equal(entry.Value, again.Flavors[flavor][entry.Key]));
        }

        Assert.Equal(parsed.SavedInputExampleInfo, again.SavedInputExampleInfo);
        Assert.Empty(again.AdditionalFields);
    }

    private string WritePackage()
    {
        var package = Directory.CreateDirectory(Path.Combine(_directory.Path, "model")).FullName;
        File.WriteAllBytes(Path.Combine(package, "model.onnx"), KnownOnnxModels.LogisticRegression());
        File.WriteAllText(Path.Combine(package, MlModel.FileName), MlflowMlModel);
        File.WriteAllText(Path.Combine(package, "input_example.json"), MlflowInputExample);
        return package;
    }
}
